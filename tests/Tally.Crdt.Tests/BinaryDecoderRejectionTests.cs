using CsCheck;
using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>Every class of malformed binary input is rejected with <see cref="CrdtFormatException"/>, never another
/// exception, and without allocating for counts the input cannot hold.</summary>
public class BinaryDecoderRejectionTests
{
    const ulong Huge = 1UL << 31;
    static readonly byte[] Overlong1 = [0x81, 0x00];
    static readonly byte[] Varint65Bits = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
    static readonly byte[] Varint11Bytes = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0x00];

    public static TheoryData<string, byte[]> MalformedMaps => new()
    {
        { "empty input", [] },
        { "wrong magic", TestBytes.Raw(new byte[] { (byte)'X', (byte)'L', 1, 2 }, 0, 0) },
        { "unknown version 2", TestBytes.Raw(new byte[] { (byte)'T', (byte)'L', 2, 2 }, 0, 0) },
        { "unknown version 0", TestBytes.Raw(new byte[] { (byte)'T', (byte)'L', 0, 2 }, 0, 0) },
        { "counter kind", TestBytes.Counter(0) },
        { "header only", TestBytes.Map() },
        { "2^31 replicas in a tiny buffer", TestBytes.Map(Huge, 0) },
        { "2^31 videos in a tiny buffer", TestBytes.Map(0, Huge) },
        { "2^64-1 videos", TestBytes.Map(0, ulong.MaxValue) },
        { "more entries than replicas", TestBytes.Map(1, "n1", 1, "v", 2, 0, 1, 0, 2) },
        { "entry count 2^31", TestBytes.Map(1, "n1", 1, "v", Huge, 0, 1) },
        { "replica id length 2^31", TestBytes.Map(1, TestBytes.Raw(Huge), 0) },
        { "replica id longer than the input", TestBytes.Map(1, TestBytes.Raw(9, (byte)'n'), 0) },
        { "duplicate replica ids", TestBytes.Map(2, "n1", "n1", 0) },
        { "duplicate video ids", TestBytes.Map(1, "n1", 2, "v", 1, 0, 1, "v", 1, 0, 2) },
        { "duplicate video ids, out of order", TestBytes.Map(1, "n1", 3, "w", 1, 0, 1, "v", 1, 0, 2, "w", 1, 0, 3) },
        { "duplicate video ids, in order before the first out of order one", TestBytes.Map(1, "n1", 4, "a", 1, 0, 1, "b", 1, 0, 1, "b", 1, 0, 2, "a", 1, 0, 3) },
        { "duplicate entries within a video", TestBytes.Map(2, "n1", "n2", 1, "v", 2, 0, 1, 0, 2) },
        { "column out of range", TestBytes.Map(1, "n1", 1, "v", 1, 1, 5) },
        { "zero entry value", TestBytes.Map(1, "n1", 1, "v", 1, 0, 0) },
        { "video with zero entries", TestBytes.Map(1, "n1", 1, "v", 0) },
        { "video with zero entries and no replicas", TestBytes.Map(0, 1, "v", 0) },
        { "overlong varint count", TestBytes.Map(Overlong1, "n1", 0) },
        { "overlong varint value", TestBytes.Map(1, "n1", 1, "v", 1, 0, Overlong1) },
        { "varint over 64 bits", TestBytes.Map(1, "n1", 1, "v", 1, 0, Varint65Bits) },
        { "varint over 10 bytes", TestBytes.Map(1, "n1", 1, "v", 1, 0, Varint11Bytes) },
        { "truncated varint", TestBytes.Map(1, "n1", 1, "v", 1, 0, new byte[] { 0x80 }) },
        { "trailing byte", TestBytes.Map(0, 0, new byte[] { 0 }) },
        { "trailing bytes after a video", TestBytes.Map(1, "n1", 1, "v", 1, 0, 1, "junk") },
        { "replica id too long", TestBytes.Map(1, new string('r', ReplicaId.MaxLength + 1), 0) },
        { "video id too long", TestBytes.Map(1, "n1", 1, new string('v', VideoId.MaxLength + 1), 1, 0, 1) },
        { "empty replica id", TestBytes.Map(1, "", 0) },
        { "empty video id", TestBytes.Map(1, "n1", 1, "", 1, 0, 1) },
        { "replica id with a space", TestBytes.Map(1, "n 1", 0) },
        { "replica id with a colon", TestBytes.Map(1, "n:1", 0) },
        { "replica id starting with a dash", TestBytes.Map(1, "-n1", 0) },
        { "video id with a slash", TestBytes.Map(1, "n1", 1, "a/b", 1, 0, 1) },
        { "video id with a NUL", TestBytes.Map(1, "n1", 1, "a\0", 1, 0, 1) },
        { "video id with non-ASCII", TestBytes.Map(1, "n1", 1, "caf\u00e9", 1, 0, 1) },
    };

    public static TheoryData<string, byte[]> MalformedCounters => new()
    {
        { "empty input", [] },
        { "wrong magic", TestBytes.Raw(new byte[] { (byte)'T', (byte)'X', 1, 1 }, 0) },
        { "unknown version", TestBytes.Raw(new byte[] { (byte)'T', (byte)'L', 9, 1 }, 0) },
        { "map kind", TestBytes.Map(0, 0) },
        { "2^31 entries in a tiny buffer", TestBytes.Counter(Huge, "n1", 1) },
        { "duplicate replica ids", TestBytes.Counter(2, "n1", 1, "n1", 2) },
        { "zero entry value", TestBytes.Counter(1, "n1", 0) },
        { "overlong varint", TestBytes.Counter(1, "n1", Overlong1) },
        { "varint over 64 bits", TestBytes.Counter(1, "n1", Varint65Bits) },
        { "trailing byte", TestBytes.Counter(0, new byte[] { 7 }) },
        { "replica id too long", TestBytes.Counter(1, new string('r', ReplicaId.MaxLength + 1), 1) },
        { "replica id with a bad character", TestBytes.Counter(1, "n#1", 1) },
    };

    [Theory]
    [MemberData(nameof(MalformedMaps))]
    public void DecodeMap_ThrowsCrdtFormatException_ForMalformedInput(string why, byte[] input) =>
        DecoderAssert.Rejected(() => CrdtBinary.DecodeMap(input), why);

    [Theory]
    [MemberData(nameof(MalformedCounters))]
    public void DecodeCounter_ThrowsCrdtFormatException_ForMalformedInput(string why, byte[] input) =>
        DecoderAssert.Rejected(() => CrdtBinary.DecodeCounter(input), why);

    [Fact]
    public void DecodeMap_ThrowsCrdtFormatException_ForHugeCountsEvenWithoutLimits()
    {
        var unlimited = new DecodeLimits { MaxReplicas = int.MaxValue, MaxVideos = int.MaxValue };
        DecoderAssert.Rejected(() => CrdtBinary.DecodeMap(TestBytes.Map(Huge - 1, 0), unlimited), "2^31-1 replicas in a tiny buffer");
        DecoderAssert.Rejected(() => CrdtBinary.DecodeMap(TestBytes.Map(0, Huge - 1), unlimited), "2^31-1 videos in a tiny buffer");
        DecoderAssert.Rejected(() => CrdtBinary.DecodeCounter(TestBytes.Counter(Huge - 1, "n1", 1), unlimited), "2^31-1 entries in a tiny buffer");
    }

    [Fact]
    public void DecodeMap_ThrowsCrdtFormatException_WhenCountsExceedLimits()
    {
        var tight = new DecodeLimits { MaxReplicas = 1, MaxVideos = 1 };
        DecoderAssert.Rejected(() => CrdtBinary.DecodeMap(TestBytes.Map(2, "n1", "n2", 0), tight), "two replicas over a limit of one");
        DecoderAssert.Rejected(() => CrdtBinary.DecodeMap(TestBytes.Map(1, "n1", 2, "a", 1, 0, 1, "b", 1, 0, 1), tight), "two videos over a limit of one");
        DecoderAssert.Rejected(() => CrdtBinary.DecodeCounter(TestBytes.Counter(2, "n1", 1, "n2", 1), tight), "two entries over a limit of one");
    }

    [Fact]
    public void DecodeMap_Throws_ForEveryTruncatedPrefix() =>
        Generators.Map.Sample(map =>
        {
            var bytes = CrdtBinary.Encode(map);
            for (var length = 0; length < bytes.Length; length++)
            {
                DecoderAssert.Rejected(() => CrdtBinary.DecodeMap(bytes.AsSpan(0, length)), $"the first {length} of {bytes.Length} bytes");
            }
        }, iter: 40, print: Generators.Show);

    [Fact]
    public void DecodeCounter_Throws_ForEveryTruncatedPrefix() =>
        Generators.Counter.Sample(counter =>
        {
            var bytes = CrdtBinary.Encode(counter);
            for (var length = 0; length < bytes.Length; length++)
            {
                DecoderAssert.Rejected(() => CrdtBinary.DecodeCounter(bytes.AsSpan(0, length)), $"the first {length} of {bytes.Length} bytes");
            }
        }, iter: 40);
}
