using System.Buffers.Binary;
using System.Text;
using Tally.Crdt;
using Tally.Crdt.Serialization;

namespace Tally.Replication.Tests;

/// <summary>A gossip message written field by field in the wire format of <see cref="GossipCodec"/> (version 3), so a
/// test can put any value, valid or not, into any one field. <see cref="WireTests"/> checks that it writes exactly what
/// <see cref="GossipCodec.Encode"/> writes for a valid message.</summary>
sealed class Wire
{
    public const byte DeltaPart = 1, RootPart = 2, BucketsPart = 4, RepairPart = 8, RepairCompletePart = 16, WantPart = 32,
        MembersCompletePart = 64, DeltaMorePart = 128;

    public byte[] Magic { get; init; } = "TG"u8.ToArray();
    public byte Version { get; init; } = 3;
    public byte Kind { get; init; } = (byte)GossipKind.Push;
    public string Cluster { get; init; } = "";
    public bool Provisional { get; init; }
    public Member Sender { get; init; } = new("n1", "http://n1", 1, 1, false);
    public long AckIncarnation { get; init; }
    public long AckVersion { get; init; }
    public ushort Parts { get; init; }
    public long DeltaBase { get; init; }
    public long DeltaUpTo { get; init; }
    public byte[]? DeltaMap { get; init; }
    public ulong Root { get; init; }
    public int DigestBucketCount { get; init; } = 1;
    public ulong[] DigestBuckets { get; init; } = [7];
    public long DigestVersion { get; init; }
    public byte[]? RepairMap { get; init; }
    public Buckets Repair { get; init; } = new(4, [0]);
    public long RepairVersion { get; init; }
    public Buckets Want { get; init; } = new(4, [1]);
    public long WantVersion { get; init; }
    public ulong MembersHash { get; init; }
    public int? MemberCount { get; init; }

    /// <summary>Raw bytes in place of the member count's varint (e.g. one that never ends).</summary>
    public byte[]? MemberCountBytes { get; init; }
    public Member[] Members { get; init; } = [];
    public byte[] Trailing { get; init; } = [];

    public sealed record Member(string Id, string Address, long Incarnation, long Heartbeat, bool Left);

    /// <summary>Bucket indexes out of <paramref name="BucketCount"/>; <paramref name="Listed"/> overrides how many the
    /// message claims to list.</summary>
    public sealed record Buckets(int BucketCount, int[] Indexes, int? Listed = null);

    /// <summary>The body and its CRC-32C trailer.</summary>
    public byte[] Bytes()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Version);
            w.Write(Kind);
            w.Write(Cluster);
            w.Write(Provisional);
            Write(w, Sender);
            w.Write7BitEncodedInt64(AckIncarnation);
            w.Write7BitEncodedInt64(AckVersion);
            w.Write(Parts);
            if ((Parts & DeltaPart) != 0)
            {
                w.Write7BitEncodedInt64(DeltaBase);
                w.Write7BitEncodedInt64(DeltaUpTo);
                WriteMap(w, DeltaMap);
            }
            if ((Parts & RootPart) != 0)
            {
                w.Write(Root);
            }
            if ((Parts & BucketsPart) != 0)
            {
                w.Write7BitEncodedInt(DigestBucketCount);
                foreach (var b in DigestBuckets)
                {
                    w.Write(b);
                }
            }
            if ((Parts & (RootPart | BucketsPart)) != 0)
            {
                w.Write7BitEncodedInt64(DigestVersion);
            }
            if ((Parts & RepairPart) != 0)
            {
                WriteMap(w, RepairMap);
                Write(w, Repair);
                w.Write7BitEncodedInt64(RepairVersion);
            }
            if ((Parts & WantPart) != 0)
            {
                Write(w, Want);
                w.Write7BitEncodedInt64(WantVersion);
            }
            w.Write(MembersHash);
            if (MemberCountBytes is { } raw)
            {
                w.Write(raw);
            }
            else
            {
                w.Write7BitEncodedInt(MemberCount ?? Members.Length);
            }
            foreach (var member in Members)
            {
                Write(w, member);
            }
            w.Write(Trailing);
        }
        return Framed(stream.ToArray());
    }

    /// <summary><paramref name="body"/> followed by its CRC-32C, as the codec frames a message.</summary>
    public static byte[] Framed(byte[] body)
    {
        var crc = new byte[GossipCodec.ChecksumBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32C.Compute(body));
        return [.. body, .. crc];
    }

    static void Write(BinaryWriter w, Member member)
    {
        w.Write(member.Id);
        w.Write(member.Address);
        w.Write7BitEncodedInt64(member.Incarnation);
        w.Write7BitEncodedInt64(member.Heartbeat);
        w.Write(member.Left);
    }

    static void Write(BinaryWriter w, Buckets buckets)
    {
        w.Write7BitEncodedInt(buckets.BucketCount);
        w.Write7BitEncodedInt(buckets.Listed ?? buckets.Indexes.Length);
        foreach (var b in buckets.Indexes)
        {
            w.Write7BitEncodedInt(b);
        }
    }

    static void WriteMap(BinaryWriter w, byte[]? map)
    {
        w.Write7BitEncodedInt(map?.Length ?? 0);
        w.Write(map ?? []);
    }

    /// <summary>A small valid map: one video counted 5 by n1.</summary>
    public static byte[] SmallMap()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("v1"), ReplicaId.Parse("n1"), 5);
        return CrdtBinary.Encode(map);
    }
}
