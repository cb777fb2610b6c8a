using System.Buffers.Binary;
using System.Text;
using Tally.Crdt;
using Tally.Crdt.Serialization;

namespace Tally.Replication.Tests;

/// <summary>Version 3 of the wire format (issue 12: <see cref="GossipMessage.DeltaMore"/>): a message round-trips,
/// and every malformed field is refused as a <see cref="CrdtFormatException"/> even under a valid checksum.</summary>
public class GossipCodecTests
{
    static readonly MemberRecord Sender = new(ReplicaId.Parse("s1"), "s1", 7, 3, Left: false);

    /// <summary>A body written field by field as the format describes, framed with its CRC-32C.</summary>
    static byte[] Frame(byte version = 3, ushort parts = 1, long deltaBase = 2, long upTo = 5, bool withMap = true,
        Action<BinaryWriter>? after = null, string? senderId = null)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("TG"u8);
            w.Write(version);
            w.Write((byte)GossipKind.Push);
            w.Write("");
            w.Write(false);
            if (senderId is null)
            {
                w.Write(Sender.Id.Value);
            }
            else
            {
                w.Write7BitEncodedInt(-5); // a negative string length
            }
            w.Write(Sender.Address);
            w.Write7BitEncodedInt64(Sender.Incarnation);
            w.Write7BitEncodedInt64(Sender.Heartbeat);
            w.Write(Sender.Left);
            w.Write7BitEncodedInt64(0);
            w.Write7BitEncodedInt64(0);
            w.Write(parts);
            if ((parts & 1) != 0)
            {
                w.Write7BitEncodedInt64(deltaBase);
                w.Write7BitEncodedInt64(upTo);
                var map = withMap ? CrdtBinary.Encode(CounterMap.Single(VideoId.Parse("v1"), Sender.Id, 4)) : [];
                w.Write7BitEncodedInt(map.Length);
                w.Write(map);
            }
            after?.Invoke(w);
            w.Write(0UL);
            w.Write7BitEncodedInt(0);
        }
        var body = stream.ToArray();
        var crc = new byte[GossipCodec.ChecksumBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32C.Compute(body));
        return [.. body, .. crc];
    }

    [Fact]
    public void Decode_GivesBackEveryDeltaField_IncludingMore()
    {
        var message = new GossipMessage
        {
            Kind = GossipKind.Reply, Sender = Sender, HasDelta = true, DeltaBase = 2, DeltaUpTo = 5, DeltaMore = true,
            Delta = CounterMap.Single(VideoId.Parse("v1"), Sender.Id, 4),
        };
        var decoded = GossipCodec.Decode(GossipCodec.Encode(message));
        Assert.True(decoded.HasDelta && decoded.DeltaMore && decoded.DeltaBase == 2 && decoded.DeltaUpTo == 5, "the delta's versions and its 'more' flag must survive");
        Assert.True(decoded.Delta!.SameStateAs(message.Delta), "the delta's entries must survive");
        Assert.False(GossipCodec.Decode(GossipCodec.Encode(message with { DeltaMore = false })).DeltaMore, "no 'more' must stay no 'more'");
    }

    [Fact]
    public void Decode_AcceptsTheHandWrittenFrame_SoTheRefusalsBelowAreAboutOneFieldEach()
    {
        var m = GossipCodec.Decode(Frame(parts: 1 | 128));
        Assert.True(m.HasDelta && m.DeltaMore && m.DeltaUpTo == 5, "the frame written by hand must be a valid version 3 message");
    }

    public static TheoryData<string, byte[]> Malformed() => new()
    {
        { "version 2 (before DeltaMore)", Frame(version: 2) },
        { "an unknown part bit", Frame(parts: 1 | 256) },
        { "DeltaMore without a delta", Frame(parts: 128) },
        { "DeltaMore with an empty delta map", Frame(parts: 1 | 128, withMap: false) },
        { "DeltaMore with an empty version range", Frame(parts: 1 | 128, deltaBase: 5, upTo: 5) },
        { "a delta ending before its base", Frame(deltaBase: 5, upTo: 4) },
        { "a negative delta base", Frame(deltaBase: -1) },
        { "a complete repair without a repair", Frame(parts: 1 | 16) },
        { "a negative string length", Frame(senderId: "bad") },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Decode_ThrowsFormatException_ForAMalformedField(string what, byte[] frame)
    {
        var e = Record.Exception(() => GossipCodec.Decode(frame));
        Assert.True(e is CrdtFormatException, $"{what}: must be refused as malformed, got {e?.GetType().Name ?? "a message"}");
    }
}
