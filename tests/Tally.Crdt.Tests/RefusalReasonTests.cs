using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>A refusal says which rule refused the input, where and in which format, so an operator reading a
/// ProblemDetails or a log can find the bad byte or key. Each case matches a phrase of the message, not its wording.</summary>
public class RefusalReasonTests
{
    public static TheoryData<string, byte[], string> BinaryMaps => new()
    {
        { "a counter given as a map, which would parse as an empty map", TestBytes.Counter(0, 0), "expected kind 2, found 1" },
        { "video id with a NUL", TestBytes.Map(1, "n1", 1, "a\0", 1, 0, 1), "video id is not printable ASCII" },
        { "replica id with a space", TestBytes.Map(1, "n 1", 0), "replica id is not printable ASCII" },
        { "video id with a slash", TestBytes.Map(1, "n1", 1, "a/b", 1, 0, 1), "invalid video id 'a/b'" },
        { "2^31 videos in a tiny buffer", TestBytes.Map(0, 1UL << 31), "videos 2147483648" },
        { "duplicate video ids", TestBytes.Map(1, "n1", 2, "v", 1, 0, 1, "v", 1, 0, 2), "video 'v' appears twice" },
        { "trailing byte", TestBytes.Map(0, 0, new byte[] { 0 }), "at byte 6: 1 trailing bytes" },
    };

    public static TheoryData<string, byte[], string> BinaryCounters => new()
    {
        { "a map given as a counter, which would parse as an empty counter", TestBytes.Map(0), "expected kind 1, found 2" },
        { "2^31 entries in a tiny buffer", TestBytes.Counter(1UL << 31, "n1", 1), "entries 2147483648" },
        { "duplicate replica ids", TestBytes.Counter(2, "n1", 1, "n1", 2), "replica 'n1' appears twice" },
    };

    public static TheoryData<string, string, string> JsonMaps => new()
    {
        { "video id with a slash", """{"version":1,"videos":{"a/b":{"n1":1}}}""", "invalid video id 'a/b'" },
        { "replica id with a colon", """{"version":1,"videos":{"v":{"n:1":1}}}""", "video 'v': invalid replica id 'n:1'" },
        { "unknown version", """{"version":2,"videos":{}}""", "unknown version 2" },
    };

    [Theory]
    [MemberData(nameof(BinaryMaps))]
    public void DecodeMap_NamesTheRuleAndTheFormat_ForMalformedBinary(string why, byte[] input, string phrase)
    {
        var e = Assert.Throws<CrdtFormatException>(() => CrdtBinary.DecodeMap(input));
        Assert.True(e.Message.StartsWith("Invalid Tally binary at byte ", StringComparison.Ordinal) && e.Message.Contains(phrase, StringComparison.Ordinal),
            $"{why}: the message must name the format, the byte and '{phrase}', was: {e.Message}");
    }

    [Theory]
    [MemberData(nameof(BinaryCounters))]
    public void DecodeCounter_NamesTheRuleAndTheFormat_ForMalformedBinary(string why, byte[] input, string phrase)
    {
        var e = Assert.Throws<CrdtFormatException>(() => CrdtBinary.DecodeCounter(input));
        Assert.True(e.Message.StartsWith("Invalid Tally binary at byte ", StringComparison.Ordinal) && e.Message.Contains(phrase, StringComparison.Ordinal),
            $"{why}: the message must name the format, the byte and '{phrase}', was: {e.Message}");
    }

    [Theory]
    [MemberData(nameof(JsonMaps))]
    public void DecodeMap_NamesTheRuleAndTheFormat_ForMalformedJson(string why, string json, string phrase)
    {
        var e = Assert.Throws<CrdtFormatException>(() => CrdtJson.DecodeMap(json));
        Assert.True(e.Message.StartsWith("Invalid Tally JSON: ", StringComparison.Ordinal) && e.Message.Contains(phrase, StringComparison.Ordinal),
            $"{why}: the message must name the format and '{phrase}', was: {e.Message}");
    }

    [Fact]
    public void DecodeCounter_NamesTheCounterAndTheBadReplica_ForMalformedJson()
    {
        var e = Assert.Throws<CrdtFormatException>(() => CrdtJson.DecodeCounter("""{"version":1,"entries":{"n 1":1}}"""));
        Assert.Contains("the counter: invalid replica id 'n 1'", e.Message, StringComparison.Ordinal);
        var limits = new DecodeLimits { MaxReplicas = 1 };
        e = Assert.Throws<CrdtFormatException>(() => CrdtJson.DecodeCounter("""{"version":1,"entries":{"n1":1,"n2":1}}""", limits));
        Assert.Contains("the counter has 2 entries", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<CrdtFormatException>(() => CrdtJson.DecodeMap("""{"version":1,"videos":{"v":{"n1":1,"n2":1}}}""", limits));
        Assert.Contains("video 'v' has 2 entries", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CounterRegressionException_NamesTheReplicaTheEntryAndTheRequest()
    {
        var e = new CounterRegressionException(ReplicaId.Parse("n1"), 5, 4);
        Assert.Equal("Entry of replica 'n1' is 5; it cannot be lowered to 4.", e.Message);
    }
}
