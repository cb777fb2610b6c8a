using System.Buffers.Binary;
using System.Text;
using Tally.Crdt;
using Tally.Crdt.Serialization;

namespace Tally.Replication;

/// <summary>Binary encoding of <see cref="GossipMessage"/> for the wire (and for the simulator's byte counts).
/// Integers are 7-bit varints; maps are nested <see cref="CrdtBinary"/> encodings. Decoding validates every field
/// and throws <see cref="CrdtFormatException"/> for anything malformed.</summary>
/// <remarks>Frame: <c>body | crc u32</c>, little-endian, crc = CRC-32C of every byte of the body. A G-Counter can never
/// take back a wrong high entry, so a damaged message must never be merged: the checksum is verified before a single
/// field is read (<see cref="GossipChecksumException"/>). The body starts with the "TG" magic and a version.</remarks>
public static class GossipCodec
{
    /// <summary>Bytes of the checksum trailer that ends every encoded message.</summary>
    public const int ChecksumBytes = sizeof(uint);

    /// <summary>3: <see cref="GossipMessage.DeltaMore"/> (issue 12); unknown part bits and a delta ending before its
    /// base are refused. A node refuses every other version, so a cluster is upgraded all at once.</summary>
    const byte Version = 3;
    const int MembersMax = 4096;
    const int AddressLengthMax = 2048;

    [Flags]
    enum Parts : ushort
    {
        None = 0,
        Delta = 1,
        Root = 2,
        Buckets = 4,
        Repair = 8,
        RepairComplete = 16,
        Want = 32,
        MembersComplete = 64,
        DeltaMore = 128,
        Known = Delta | Root | Buckets | Repair | RepairComplete | Want | MembersComplete | DeltaMore,
    }

    public static byte[] Encode(GossipMessage m)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("TG"u8);
            w.Write(Version);
            w.Write((byte)m.Kind);
            w.Write(m.ClusterId?.Value ?? "");
            w.Write(m.ClusterProvisional);
            WriteMember(w, m.Sender);
            w.Write7BitEncodedInt64(m.AckIncarnation);
            w.Write7BitEncodedInt64(m.AckVersion);
            var parts = (m.HasDelta ? Parts.Delta : 0) | (m.DigestRoot is not null ? Parts.Root : 0) |
                        (m.DigestBuckets is not null ? Parts.Buckets : 0) | (m.RepairBuckets is not null ? Parts.Repair : 0) |
                        (m.RepairComplete ? Parts.RepairComplete : 0) | (m.WantBuckets is not null ? Parts.Want : 0) |
                        (m.MembersComplete ? Parts.MembersComplete : 0) | (m.HasDelta && m.DeltaMore ? Parts.DeltaMore : 0);
            w.Write((ushort)parts);
            if (m.HasDelta)
            {
                w.Write7BitEncodedInt64(m.DeltaBase);
                w.Write7BitEncodedInt64(m.DeltaUpTo);
                WriteMap(w, m.Delta);
            }
            if (m.DigestRoot is { } root)
            {
                w.Write(root);
            }
            if (m.DigestBuckets is { } buckets)
            {
                w.Write7BitEncodedInt(buckets.Length);
                foreach (var b in buckets)
                {
                    w.Write(b);
                }
            }
            if (m.DigestRoot is not null || m.DigestBuckets is not null)
            {
                w.Write7BitEncodedInt64(m.DigestVersion);
            }
            if (m.RepairBuckets is { } repairBuckets)
            {
                WriteMap(w, m.Repair);
                WriteBuckets(w, repairBuckets, m.RepairBucketCount);
                w.Write7BitEncodedInt64(m.RepairVersion);
            }
            if (m.WantBuckets is { } want)
            {
                WriteBuckets(w, want, m.WantBucketCount);
                w.Write7BitEncodedInt64(m.WantVersion);
            }
            w.Write(m.MembersHash);
            w.Write7BitEncodedInt(m.Members.Count);
            foreach (var member in m.Members)
            {
                WriteMember(w, member);
            }
        }
        var length = (int)stream.Length;
        Span<byte> crc = stackalloc byte[ChecksumBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32C.Compute(stream.GetBuffer().AsSpan(0, length)));
        stream.Write(crc);
        return stream.ToArray();
    }

    /// <summary>The body of a framed message, once its checksum matches.</summary>
    /// <exception cref="GossipChecksumException">Too short for a checksum, or the checksum does not match.</exception>
    static int VerifiedBodyLength(byte[] input)
    {
        if (input.Length < ChecksumBytes)
        {
            throw new GossipChecksumException($"Invalid gossip message: {input.Length} bytes cannot hold its {ChecksumBytes}-byte checksum.");
        }
        var body = input.Length - ChecksumBytes;
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(input.AsSpan(body));
        var actual = Crc32C.Compute(input.AsSpan(0, body));
        return actual == expected
            ? body
            : throw new GossipChecksumException($"Invalid gossip message: checksum {actual:x8} of its {body} bytes does not match {expected:x8}; it was damaged in transit.");
    }

    public static GossipMessage Decode(ReadOnlySpan<byte> input, DecodeLimits? limits = null) => Decode(input.ToArray(), limits);

    /// <summary>Verifies the checksum, then decodes and validates every field.</summary>
    /// <exception cref="GossipChecksumException">The checksum does not match: nothing was read.</exception>
    /// <exception cref="CrdtFormatException">The body is malformed.</exception>
    public static GossipMessage Decode(byte[] input, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var length = VerifiedBodyLength(input);
        using var stream = new MemoryStream(input, 0, length, writable: false);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            if (length < 4 || input[0] != 'T' || input[1] != 'G')
            {
                throw Invalid("missing the 'TG' header");
            }
            r.ReadBytes(2);
            if (r.ReadByte() != Version)
            {
                throw Invalid($"unknown gossip version {input[2]}");
            }
            var kind = (GossipKind)r.ReadByte();
            if (kind is not (GossipKind.Push or GossipKind.Reply))
            {
                throw Invalid($"unknown message kind {(byte)kind}");
            }
            var clusterText = r.ReadString();
            ClusterId? cluster = null;
            if (clusterText.Length > 0)
            {
                cluster = ClusterId.TryParse(clusterText, out var parsed)
                    ? parsed
                    : throw Invalid($"invalid cluster id '{(clusterText.Length > 80 ? clusterText[..80] : clusterText)}'");
            }
            var provisional = r.ReadBoolean();
            var m = new GossipMessage
            {
                Kind = kind,
                ClusterId = cluster,
                ClusterProvisional = provisional && cluster is not null,
                Sender = ReadMember(r),
                AckIncarnation = NonNegative(r.Read7BitEncodedInt64()),
                AckVersion = NonNegative(r.Read7BitEncodedInt64()),
            };
            var parts = (Parts)r.ReadUInt16();
            if ((parts & ~Parts.Known) != 0)
            {
                throw Invalid($"unknown parts 0x{(ushort)(parts & ~Parts.Known):x4}");
            }
            if (parts.HasFlag(Parts.RepairComplete) && !parts.HasFlag(Parts.Repair))
            {
                throw Invalid("a complete repair without a repair");
            }
            if (parts.HasFlag(Parts.Delta))
            {
                var deltaBase = NonNegative(r.Read7BitEncodedInt64());
                var upTo = NonNegative(r.Read7BitEncodedInt64());
                if (upTo < deltaBase)
                {
                    throw Invalid($"a delta ending at version {upTo}, before its base {deltaBase}");
                }
                var delta = ReadMap(r, input, limits);
                if (parts.HasFlag(Parts.DeltaMore) && (delta is null || upTo == deltaBase))
                {
                    throw Invalid("an empty delta announcing more");
                }
                m = m with { HasDelta = true, DeltaBase = deltaBase, DeltaUpTo = upTo, Delta = delta, DeltaMore = parts.HasFlag(Parts.DeltaMore) };
            }
            else if (parts.HasFlag(Parts.DeltaMore))
            {
                throw Invalid("more of a delta without a delta");
            }
            if (parts.HasFlag(Parts.Root))
            {
                m = m with { DigestRoot = r.ReadUInt64() };
            }
            if (parts.HasFlag(Parts.Buckets))
            {
                var count = r.Read7BitEncodedInt();
                if (count <= 0 || count > MapDigest.MaxBucketCount || !int.IsPow2(count))
                {
                    throw Invalid($"digest bucket count {count} is not a power of two up to {MapDigest.MaxBucketCount}");
                }
                Fits(r, count * 8L);
                var buckets = new ulong[count];
                for (var i = 0; i < count; i++)
                {
                    buckets[i] = r.ReadUInt64();
                }
                m = m with { DigestBuckets = buckets };
            }
            if (parts.HasFlag(Parts.Root) || parts.HasFlag(Parts.Buckets))
            {
                m = m with { DigestVersion = NonNegative(r.Read7BitEncodedInt64()) };
            }
            if (parts.HasFlag(Parts.Repair))
            {
                var repair = ReadMap(r, input, limits);
                var (buckets, count) = ReadBuckets(r);
                m = m with
                {
                    Repair = repair,
                    RepairBuckets = buckets,
                    RepairBucketCount = count,
                    RepairVersion = NonNegative(r.Read7BitEncodedInt64()),
                    RepairComplete = parts.HasFlag(Parts.RepairComplete),
                };
            }
            if (parts.HasFlag(Parts.Want))
            {
                var (buckets, count) = ReadBuckets(r);
                m = m with { WantBuckets = buckets, WantBucketCount = count, WantVersion = NonNegative(r.Read7BitEncodedInt64()) };
            }
            var hash = r.ReadUInt64();
            var memberCount = r.Read7BitEncodedInt();
            if (memberCount < 0 || memberCount > MembersMax)
            {
                throw Invalid($"{memberCount} members exceed the limit of {MembersMax}");
            }
            Fits(r, memberCount * 4L);
            var members = new List<MemberRecord>(memberCount);
            for (var i = 0; i < memberCount; i++)
            {
                members.Add(ReadMember(r));
            }
            if (stream.Position != length)
            {
                throw Invalid($"{length - stream.Position} trailing bytes");
            }
            return m with { MembersHash = hash, Members = members, MembersComplete = parts.HasFlag(Parts.MembersComplete) };
        }
        catch (EndOfStreamException e)
        {
            throw new CrdtFormatException("Invalid gossip message: truncated.", e);
        }
        catch (FormatException e) when (e is not CrdtFormatException)
        {
            throw new CrdtFormatException($"Invalid gossip message: {e.Message}", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new CrdtFormatException("Invalid gossip message: bad UTF-8 text.", e);
        }
        catch (IOException e)
        {
            throw new CrdtFormatException($"Invalid gossip message: {e.Message}", e); // e.g. a negative string length
        }
    }

    static void WriteMember(BinaryWriter w, MemberRecord member)
    {
        w.Write(member.Id.Value);
        w.Write(member.Address);
        w.Write7BitEncodedInt64(member.Incarnation);
        w.Write7BitEncodedInt64(member.Heartbeat);
        w.Write(member.Left);
    }

    static MemberRecord ReadMember(BinaryReader r)
    {
        var id = r.ReadString();
        if (!ReplicaId.TryParse(id, out var replica))
        {
            throw Invalid($"invalid member id '{(id.Length > 80 ? id[..80] : id)}'");
        }
        var address = r.ReadString();
        if (address.Length is 0 or > AddressLengthMax)
        {
            throw Invalid("member address is empty or too long");
        }
        var incarnation = NonNegative(r.Read7BitEncodedInt64());
        var heartbeat = NonNegative(r.Read7BitEncodedInt64());
        return new MemberRecord(replica, address, incarnation, heartbeat, r.ReadBoolean());
    }

    static void WriteMap(BinaryWriter w, CounterMap? map)
    {
        if (map is null)
        {
            w.Write7BitEncodedInt(0);
            return;
        }
        var bytes = CrdtBinary.Encode(map);
        w.Write7BitEncodedInt(bytes.Length);
        w.Write(bytes);
    }

    static CounterMap? ReadMap(BinaryReader r, byte[] input, DecodeLimits limits)
    {
        var length = r.Read7BitEncodedInt();
        if (length == 0)
        {
            return null;
        }
        Fits(r, length);
        var start = (int)r.BaseStream.Position;
        r.BaseStream.Position += length;
        return CrdtBinary.DecodeMap(input.AsSpan(start, length), limits);
    }

    static void WriteBuckets(BinaryWriter w, int[] buckets, int bucketCount)
    {
        w.Write7BitEncodedInt(bucketCount);
        w.Write7BitEncodedInt(buckets.Length);
        foreach (var b in buckets)
        {
            w.Write7BitEncodedInt(b);
        }
    }

    static (int[] Buckets, int Count) ReadBuckets(BinaryReader r)
    {
        var count = r.Read7BitEncodedInt();
        if (count <= 0 || count > MapDigest.MaxBucketCount || !int.IsPow2(count))
        {
            throw Invalid($"bucket count {count} is not a power of two up to {MapDigest.MaxBucketCount}");
        }
        var n = r.Read7BitEncodedInt();
        if (n < 0 || n > count)
        {
            throw Invalid($"{n} buckets listed of {count}");
        }
        Fits(r, n);
        var buckets = new int[n];
        for (var i = 0; i < n; i++)
        {
            buckets[i] = r.Read7BitEncodedInt();
            if (buckets[i] < 0 || buckets[i] >= count)
            {
                throw Invalid($"bucket {buckets[i]} is outside 0..{count - 1}");
            }
        }
        return (buckets, count);
    }

    static void Fits(BinaryReader r, long bytes)
    {
        if (bytes < 0 || bytes > r.BaseStream.Length - r.BaseStream.Position)
        {
            throw Invalid("a length runs past the end of the message");
        }
    }

    static long NonNegative(long value) => value >= 0 ? value : throw Invalid($"negative number {value}");

    static CrdtFormatException Invalid(string what) => new($"Invalid gossip message: {what}.");
}
