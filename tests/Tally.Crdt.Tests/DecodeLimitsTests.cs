using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>Every limit a decoder enforces is inclusive: input exactly at a limit decodes, one more is refused.
/// A limit that refused its own value would split a cluster whose state sits exactly there.</summary>
public class DecodeLimitsTests
{
    static readonly DecodeLimits Two = new() { MaxReplicas = 2, MaxVideos = 2 };

    static CounterMap MapOf(int videos, int replicas)
    {
        var map = new CounterMap();
        for (var v = 0; v < videos; v++)
        {
            for (var r = 0; r < replicas; r++)
            {
                map.Increment(VideoId.Parse($"v{v}"), ReplicaId.Parse($"n{r}"), (ulong)(v + r + 1));
            }
        }
        return map;
    }

    static GCounter CounterOf(int replicas) =>
        Enumerable.Range(0, replicas).Aggregate(GCounter.Empty, (c, r) => c.Increment(ReplicaId.Parse($"n{r}"), (ulong)r + 1));

    [Fact]
    public void DecodeMap_AcceptsExactlyTheLimits_AndRefusesOneMore_InBinary()
    {
        var atLimit = MapOf(videos: 2, replicas: 2);
        Assert.True(CrdtBinary.DecodeMap(CrdtBinary.Encode(atLimit), Two).SameStateAs(atLimit), "2 videos of 2 replicas are within limits of 2");
        DecoderAssert.Rejected(() => CrdtBinary.DecodeMap(CrdtBinary.Encode(MapOf(3, 1)), Two), "3 videos over a limit of 2");
        DecoderAssert.Rejected(() => CrdtBinary.DecodeMap(CrdtBinary.Encode(MapOf(1, 3)), Two), "3 replicas over a limit of 2");
        Assert.True(CrdtBinary.DecodeCounter(CrdtBinary.Encode(CounterOf(2)), Two).Equals(CounterOf(2)), "2 entries are within a limit of 2");
        DecoderAssert.Rejected(() => CrdtBinary.DecodeCounter(CrdtBinary.Encode(CounterOf(3)), Two), "3 entries over a limit of 2");
    }

    [Fact]
    public void DecodeMap_AcceptsExactlyTheLimits_AndRefusesOneMore_InJson()
    {
        var atLimit = MapOf(videos: 2, replicas: 2);
        Assert.True(CrdtJson.DecodeMap(CrdtJson.Encode(atLimit), Two).SameStateAs(atLimit), "2 videos of 2 replicas are within limits of 2");
        DecoderAssert.Rejected(() => CrdtJson.DecodeMap(CrdtJson.Encode(MapOf(3, 1)), Two), "3 videos over a limit of 2");
        DecoderAssert.Rejected(() => CrdtJson.DecodeMap(CrdtJson.Encode(MapOf(1, 3)), Two), "3 replicas in one video over a limit of 2");
        Assert.True(CrdtJson.DecodeCounter(CrdtJson.Encode(CounterOf(2)), Two).Equals(CounterOf(2)), "2 entries are within a limit of 2");
        DecoderAssert.Rejected(() => CrdtJson.DecodeCounter(CrdtJson.Encode(CounterOf(3)), Two), "3 entries over a limit of 2");
    }

    [Fact]
    public void DecodeMap_CountsReplicasAcrossVideos_InJson()
    {
        // Each video names 2 replicas, within the per-video limit; together they name 3.
        const string json = """{"version":1,"videos":{"a":{"n0":1,"n1":1},"b":{"n1":1,"n2":1}}}""";
        DecoderAssert.Rejected(() => CrdtJson.DecodeMap(json, Two), "3 distinct replicas over a limit of 2");
        var map = CrdtJson.DecodeMap(json, new DecodeLimits { MaxReplicas = 3 });
        Assert.True(map.Count == 2 && map.Replicas.Count == 3, "3 distinct replicas are within a limit of 3");
        Assert.Equal(2, CrdtJson.DecodeMap("""{"version":1,"videos":{"a":{"n0":1,"n1":1},"b":{"n1":2,"n0":2}}}""", Two).Replicas.Count);
    }

    [Fact]
    public void DecodeMap_AcceptsCountsThatExactlyFillTheBytesLeft()
    {
        // Three one-letter replicas take 2 bytes each; with the video count, 7 bytes are left after the replica count:
        // room for exactly 3 at the minimum of 2 bytes each.
        var map = CrdtBinary.DecodeMap(TestBytes.Map(3, "a", "b", "c", 0));
        Assert.True(map.Count == 0 && map.Replicas.Count == 0, "replicas without entries add no column");
        // Two entries of one-letter replicas: 3 bytes each, exactly the 6 bytes left.
        var counter = CrdtBinary.DecodeCounter(TestBytes.Counter(2, "a", 1, "b", 1));
        Assert.Equal(2UL, counter.Value);
    }

    [Fact]
    public void DecodeMap_AcceptsTheLastReplicaColumn_AndRefusesTheOneAfter()
    {
        var map = CrdtBinary.DecodeMap(TestBytes.Map(2, "n1", "n2", 1, "v", 1, 1, 9));
        Assert.Equal(9UL, map.EntryOf(VideoId.Parse("v"), ReplicaId.Parse("n2")));
        DecoderAssert.Rejected(() => CrdtBinary.DecodeMap(TestBytes.Map(2, "n1", "n2", 1, "v", 1, 2, 9)), "column 2 of 2 replicas");
    }
}
