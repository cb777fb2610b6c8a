using CsCheck;
using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>Round trips, determinism and rejections of <see cref="CrdtJson"/>.</summary>
public class JsonCodecTests
{
    [Fact]
    public void DecodeMap_RoundTripsEncode_ForAnyMap() =>
        Generators.Map.Sample(map =>
        {
            var json = CrdtJson.Encode(map);
            var decoded = CrdtJson.DecodeMap(json);
            Assert.True(decoded.SameStateAs(map), "decode(encode(map)) must hold the same state");
            Assert.True(CrdtJson.Encode(decoded) == json, "re-encoding a decoded map must give the same text");
        }, print: Generators.Show);

    [Fact]
    public void DecodeCounter_RoundTripsEncode_ForAnyCounter() =>
        Generators.Counter.Sample(counter =>
            Assert.True(CrdtJson.DecodeCounter(CrdtJson.Encode(counter)).Equals(counter), "decode(encode(counter)) must equal the counter"));

    [Fact]
    public void Encode_GivesEqualText_ForEqualMapsBuiltInDifferentOrders() =>
        Gen.Select(Generators.Ops, Gen.Int).Sample((ops, seed) =>
        {
            var increments = ops.Select(op => op with { Raise = false }).ToArray();
            var shuffled = increments.ToArray();
            new Random(seed).Shuffle(shuffled);
            Assert.True(CrdtJson.Encode(Generators.Build(increments)) == CrdtJson.Encode(Generators.Build(shuffled)),
                "equal states must encode to equal JSON");
        }, print: t => $"seed {t.Item2}: {string.Join(", ", t.Item1.AsEnumerable())}");

    [Theory]
    [InlineData("""{"version":1,"videos":{"v1":{"n1":5,"n2":3}}}""")]
    [InlineData("""{"version":1,"videos":{}}""")]
    [InlineData("""{"version":1,"videos":{"a":{"n2":18446744073709551615},"b:c~d":{"A":1}}}""")]
    [InlineData("""{"version":1,"videos":{"v":{"n1":18446744073709551615,"n2":18446744073709551615}}}""")]
    public void Encode_WritesDocumentedFormat_ForDecodedDocument(string json) =>
        Assert.Equal(json, CrdtJson.Encode(CrdtJson.DecodeMap(json)));

    [Fact]
    public void Encode_WritesDocumentedFormat_ForCounter() =>
        Assert.Equal("""{"version":1,"entries":{"n1":5}}""", CrdtJson.Encode(GCounter.Empty.Increment(ReplicaId.Parse("n1"), 5)));

    public static TheoryData<string, string> MalformedMaps => new()
    {
        { "null document", "null" },
        { "empty text", "" },
        { "broken JSON", """{"version":1,"videos":{""" },
        { "array document", "[]" },
        { "trailing content", """{"version":1,"videos":{}} 1""" },
        { "missing version", """{"videos":{}}""" },
        { "missing videos", """{"version":1}""" },
        { "unknown version 2", """{"version":2,"videos":{}}""" },
        { "unknown version 0", """{"version":0,"videos":{}}""" },
        { "non-numeric version", """{"version":"1","videos":{}}""" },
        { "null version", """{"version":null,"videos":{}}""" },
        { "null videos", """{"version":1,"videos":null}""" },
        { "null video", """{"version":1,"videos":{"v":null}}""" },
        { "null entry", """{"version":1,"videos":{"v":{"n1":null}}}""" },
        { "array video", """{"version":1,"videos":{"v":[1]}}""" },
        { "string number", """{"version":1,"videos":{"v":{"n1":"5"}}}""" },
        { "boolean number", """{"version":1,"videos":{"v":{"n1":true}}}""" },
        { "negative number", """{"version":1,"videos":{"v":{"n1":-1}}}""" },
        { "fractional number", """{"version":1,"videos":{"v":{"n1":1.5}}}""" },
        { "number over 2^64-1", """{"version":1,"videos":{"v":{"n1":18446744073709551616}}}""" },
        { "duplicate version", """{"version":1,"version":1,"videos":{}}""" },
        { "duplicate video", """{"version":1,"videos":{"v":{"n1":1},"v":{"n1":2}}}""" },
        { "duplicate replica in a video", """{"version":1,"videos":{"v":{"n1":1,"n1":2}}}""" },
        { "unknown property", """{"version":1,"videos":{},"extra":0}""" },
        { "empty video id", """{"version":1,"videos":{"":{"n1":1}}}""" },
        { "video id with a slash", """{"version":1,"videos":{"a/b":{"n1":1}}}""" },
        { "video id too long", """{"version":1,"videos":{"VVV":{"n1":1}}}""".Replace("VVV", new string('v', VideoId.MaxLength + 1)) },
        { "replica id with a colon", """{"version":1,"videos":{"v":{"n:1":1}}}""" },
        { "replica id starting with a dot", """{"version":1,"videos":{"v":{".n1":1}}}""" },
        { "replica id too long", """{"version":1,"videos":{"v":{"RRR":1}}}""".Replace("RRR", new string('r', ReplicaId.MaxLength + 1)) },
        { "non-ASCII replica id", """{"version":1,"videos":{"v":{"n\u00e91":1}}}""" },
    };

    public static TheoryData<string, string> MalformedCounters => new()
    {
        { "null document", "null" },
        { "missing entries", """{"version":1}""" },
        { "null entries", """{"version":1,"entries":null}""" },
        { "missing version", """{"entries":{}}""" },
        { "unknown version", """{"version":3,"entries":{}}""" },
        { "negative number", """{"version":1,"entries":{"n1":-4}}""" },
        { "fractional number", """{"version":1,"entries":{"n1":0.5}}""" },
        { "number over 2^64-1", """{"version":1,"entries":{"n1":99999999999999999999}}""" },
        { "string number", """{"version":1,"entries":{"n1":"1"}}""" },
        { "duplicate replica", """{"version":1,"entries":{"n1":1,"n1":1}}""" },
        { "invalid replica id", """{"version":1,"entries":{"n 1":1}}""" },
        { "map document", """{"version":1,"videos":{}}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedMaps))]
    public void DecodeMap_ThrowsCrdtFormatException_ForMalformedJson(string why, string json) =>
        DecoderAssert.Rejected(() => CrdtJson.DecodeMap(json), why);

    [Theory]
    [MemberData(nameof(MalformedCounters))]
    public void DecodeCounter_ThrowsCrdtFormatException_ForMalformedJson(string why, string json) =>
        DecoderAssert.Rejected(() => CrdtJson.DecodeCounter(json), why);

    [Fact]
    public void DecodeMap_ThrowsCrdtFormatException_WhenCountsExceedLimits()
    {
        var tight = new DecodeLimits { MaxReplicas = 1, MaxVideos = 1 };
        DecoderAssert.Rejected(() => CrdtJson.DecodeMap("""{"version":1,"videos":{"a":{"n1":1},"b":{"n1":1}}}""", tight), "two videos over a limit of one");
        DecoderAssert.Rejected(() => CrdtJson.DecodeMap("""{"version":1,"videos":{"a":{"n1":1},"b":{"n2":1}}}""", tight), "two replicas over a limit of one");
        DecoderAssert.Rejected(() => CrdtJson.DecodeCounter("""{"version":1,"entries":{"n1":1,"n2":1}}""", tight), "two entries over a limit of one");
    }
}
