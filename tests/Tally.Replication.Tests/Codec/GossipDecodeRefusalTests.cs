using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Each field a gossip message carries is checked on its own: a message with one bad field, and a correct
/// checksum (a buggy or hostile sender, not line noise), is refused with a <see cref="CrdtFormatException"/> that names
/// that field's rule, before anything is merged or allocated. The value just inside each limit is accepted.</summary>
public class GossipDecodeRefusalTests
{
    static void Refused(Wire wire, string rule) => Refused(wire.Bytes(), rule);

    static void Refused(byte[] bytes, string rule)
    {
        var e = Assert.Throws<CrdtFormatException>(() => GossipCodec.Decode(bytes));
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    const string PastTheEnd = "runs past the end";
    const string Negative = "negative number";

    [Fact]
    public void Decode_Accepts_TheDefaultWireMessage()
    {
        var decoded = GossipCodec.Decode(new Wire().Bytes());
        Assert.Equal(ReplicaId.Parse("n1"), decoded.Sender.Id);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'X', (byte)'G' })]
    [InlineData(new byte[] { (byte)'T', (byte)'X' })]
    public void Decode_RefusesTheMessage_WhenTheMagicIsWrong(byte[] magic) => Refused(new Wire { Magic = magic }, "'TG' header");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Decode_RefusesTheMessage_WhenItsBodyIsShorterThanTheHeader(int length)
    {
        Refused(Wire.Framed([.. "TG\u0003"u8.ToArray().Take(length)]), "'TG' header");
    }

    [Fact]
    public void Decode_ReadsPastTheHeader_OfAFourByteBody() =>
        Refused(Wire.Framed([.. "TG"u8.ToArray(), 3, (byte)GossipKind.Push]), "truncated");

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Decode_RefusesTheMessage_WhenTheVersionIsUnknown(byte version) => Refused(new Wire { Version = version }, "unknown gossip version");

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Decode_RefusesTheMessage_WhenTheKindIsUnknown(byte kind) => Refused(new Wire { Kind = kind }, "unknown message kind");

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheClusterIdIsInvalid() => Refused(new Wire { Cluster = "not a cluster" }, "invalid cluster id");

    [Theory]
    [InlineData("")]
    [InlineData("bad id")]
    public void Decode_RefusesTheMessage_WhenTheSendersIdIsInvalid(string id) =>
        Refused(new Wire { Sender = new(id, "http://n1", 1, 1, false) }, "invalid member id");

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheSendersAddressIsEmpty() =>
        Refused(new Wire { Sender = new("n1", "", 1, 1, false) }, "address is empty or too long");

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheSendersAddressIsLongerThan2048Characters()
    {
        var atLimit = GossipCodec.Decode(new Wire { Sender = new("n1", new string('a', 2048), 1, 1, false) }.Bytes());
        Assert.Equal(2048, atLimit.Sender.Address.Length);
        Refused(new Wire { Sender = new("n1", new string('a', 2049), 1, 1, false) }, "address is empty or too long");
    }

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheSendersIncarnationIsNegative() =>
        Refused(new Wire { Sender = new("n1", "a", -1, 1, false) }, Negative);

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheSendersHeartbeatIsNegative() =>
        Refused(new Wire { Sender = new("n1", "a", 1, -1, false) }, Negative);

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheAckedIncarnationIsNegative() => Refused(new Wire { AckIncarnation = -1 }, Negative);

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheAckedVersionIsNegative() => Refused(new Wire { AckVersion = -1 }, Negative);

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheDeltaBaseIsNegative() =>
        Refused(new Wire { Parts = Wire.DeltaPart, DeltaBase = -1, DeltaUpTo = 1 }, Negative);

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheDeltaEndIsNegative() =>
        Refused(new Wire { Parts = Wire.DeltaPart, DeltaBase = 1, DeltaUpTo = -1 }, Negative);

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheDeltaMapRunsPastTheEnd()
    {
        var map = Wire.SmallMap();
        // The map's length field claims the whole map, but the message ends right after half of it.
        var bytes = new Wire { Parts = Wire.DeltaPart, DeltaMap = map }.Bytes();
        var body = bytes.AsSpan(0, bytes.Length - GossipCodec.ChecksumBytes).ToArray();
        var mapStart = IndexOf(body, map);
        Refused(Wire.Framed(body[..(mapStart + map.Length / 2)]), PastTheEnd);
    }

    [Fact]
    public void Decode_RefusesTheMessage_WhenAMapLengthIsNegative()
    {
        // A varint of -1 (five bytes) where the delta map's length goes, followed by enough bytes to cover a wrap.
        var wire = new Wire { Parts = Wire.DeltaPart, DeltaMap = null };
        var bytes = wire.Bytes();
        var body = bytes.AsSpan(0, bytes.Length - GossipCodec.ChecksumBytes).ToArray();
        var lengthAt = body.Length - 8 - 1 - 1; // members hash (8), member count (1), map length (1) from the end
        Assert.Equal(0, body[lengthAt]);
        byte[] patched = [.. body[..lengthAt], 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, .. body[(lengthAt + 1)..]];
        Refused(Wire.Framed(patched), PastTheEnd);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-1)]
    [InlineData(1 << 17)]
    public void Decode_RefusesTheMessage_WhenTheDigestBucketCountIsNotAPowerOfTwoUpTo65536(int count) =>
        Refused(new Wire { Parts = Wire.BucketsPart, DigestBucketCount = count, DigestBuckets = [] }, $"digest bucket count {count}");

    [Fact]
    public void Decode_AcceptsTheDigest_With65536Buckets()
    {
        var buckets = new ulong[1 << 16];
        buckets[^1] = 42;
        var decoded = GossipCodec.Decode(new Wire { Parts = Wire.BucketsPart, DigestBucketCount = buckets.Length, DigestBuckets = buckets }.Bytes());
        Assert.Equal(buckets, decoded.DigestBuckets);
    }

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheDigestBucketsRunPastTheEnd() =>
        Refused(new Wire { Parts = Wire.BucketsPart, DigestBucketCount = 1 << 16, DigestBuckets = [1, 2] }, PastTheEnd);

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheDigestBucketsNeedMoreThanEightBytesEachLeft() =>
        // 64 buckets need 512 bytes; 2 buckets and the fields after them are far fewer, but more than 64 / 8.
        Refused(new Wire { Parts = Wire.BucketsPart, DigestBucketCount = 64, DigestBuckets = [1, 2] }, PastTheEnd);

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheDigestVersionIsNegative()
    {
        Refused(new Wire { Parts = Wire.RootPart, DigestVersion = -1 }, Negative);
        Refused(new Wire { Parts = Wire.BucketsPart, DigestVersion = -1 }, Negative);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-1)]
    [InlineData(1 << 17)]
    public void Decode_RefusesTheMessage_WhenTheRepairBucketCountIsNotAPowerOfTwoUpTo65536(int count) =>
        Refused(new Wire { Parts = Wire.RepairPart, Repair = new(count, []) }, $"bucket count {count}");

    [Fact]
    public void Decode_AcceptsARepair_Of65536Buckets()
    {
        var decoded = GossipCodec.Decode(new Wire { Parts = Wire.RepairPart, Repair = new(1 << 16, [0, 65535]) }.Bytes());
        Assert.Equal(new[] { 0, 65535 }, decoded.RepairBuckets);
        Assert.Equal(1 << 16, decoded.RepairBucketCount);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    public void Decode_RefusesTheMessage_WhenTheRepairListsMoreBucketsThanItsCountOrANegativeNumber(int listed) =>
        Refused(new Wire { Parts = Wire.RepairPart, Repair = new(4, [], listed) }, $"{listed} buckets listed of 4");

    [Fact]
    public void Decode_AcceptsARepair_ListingEveryBucket()
    {
        var decoded = GossipCodec.Decode(new Wire { Parts = Wire.RepairPart, Repair = new(4, [0, 1, 2, 3]) }.Bytes());
        Assert.Equal(new[] { 0, 1, 2, 3 }, decoded.RepairBuckets);
    }

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheRepairsBucketListRunsPastTheEnd() =>
        Refused(new Wire { Parts = Wire.RepairPart, Repair = new(1 << 16, [], 1 << 15), MembersHash = 0 }, PastTheEnd);

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public void Decode_RefusesTheMessage_WhenARepairBucketIsOutsideItsCount(int bucket) =>
        Refused(new Wire { Parts = Wire.RepairPart, Repair = new(4, [bucket]) }, $"bucket {bucket} is outside 0..3");

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheRepairVersionIsNegative() =>
        Refused(new Wire { Parts = Wire.RepairPart, RepairVersion = -1 }, Negative);

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Decode_RefusesTheMessage_WhenTheWantedBucketCountIsNotAPowerOfTwo(int count) =>
        Refused(new Wire { Parts = Wire.WantPart, Want = new(count, []) }, $"bucket count {count}");

    [Fact]
    public void Decode_RefusesTheMessage_WhenAWantedBucketIsOutsideItsCount() =>
        Refused(new Wire { Parts = Wire.WantPart, Want = new(2, [2]) }, "bucket 2 is outside 0..1");

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheWantVersionIsNegative() =>
        Refused(new Wire { Parts = Wire.WantPart, WantVersion = -1 }, Negative);

    [Theory]
    [InlineData(-1)]
    [InlineData(4097)]
    public void Decode_RefusesTheMessage_WhenTheMemberCountIsNegativeOrAbove4096(int count) =>
        Refused(new Wire { MemberCount = count }, $"{count} members exceed the limit of 4096");

    [Fact]
    public void Decode_RefusesTheMessage_When4096MembersAreAnnouncedButNotThere() =>
        Refused(new Wire { MemberCount = 4096 }, PastTheEnd);

    [Fact]
    public void Decode_RefusesTheMessage_WhenTheMembersNeedMoreThanFourBytesEachLeft() =>
        // 100 members need at least 400 bytes; 40 are left, more than 100 / 4.
        Refused(new Wire { MemberCount = 100, Trailing = new byte[40] }, PastTheEnd);

    [Fact]
    public void Decode_ReadsEveryMember_OfAMessageWithMany()
    {
        var members = Enumerable.Range(0, 300).Select(i => new Wire.Member($"n{i}", $"http://n{i}", i, i + 1, i % 2 == 0)).ToArray();
        var decoded = GossipCodec.Decode(new Wire { Members = members }.Bytes());
        Assert.Equal(members.Select(m => new MemberRecord(ReplicaId.Parse(m.Id), m.Address, m.Incarnation, m.Heartbeat, m.Left)), decoded.Members);
    }

    [Fact]
    public void Decode_RefusesTheMessage_WhenAMembersAddressIsEmpty() =>
        Refused(new Wire { Members = [new("n2", "", 1, 1, false)] }, "address is empty or too long");

    [Fact]
    public void Decode_RefusesTheMessage_WhenAMembersIdIsInvalid() =>
        Refused(new Wire { Members = [new("n 2", "a", 1, 1, false)] }, "invalid member id");

    [Fact]
    public void Decode_RefusesTheMessage_WhenBytesFollowTheLastField() => Refused(new Wire { Trailing = [0] }, "1 trailing bytes");

    [Fact]
    public void Decode_RefusesTheMessage_WhenItEndsInsideAField()
    {
        var bytes = new Wire().Bytes();
        // Ends three bytes into the eight of the membership hash.
        Refused(Wire.Framed(bytes[..(bytes.Length - GossipCodec.ChecksumBytes - 6)]), "truncated");
    }

    [Fact]
    public void Decode_RefusesTheMessage_WhenAVarintNeverEnds() =>
        Refused(new Wire { MemberCountBytes = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] }, "Invalid gossip message");

    static int IndexOf(byte[] haystack, byte[] needle)
    {
        var at = haystack.AsSpan().IndexOf(needle);
        Assert.True(at >= 0, "the map's bytes must be in the message");
        return at;
    }
}
