using Tally.Crdt;
using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

public class SmokeTests
{
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");
    static readonly ReplicaId N2 = ReplicaId.Parse("n2");
    static readonly VideoId V = VideoId.Parse("dQw4w9WgXcQ");

    [Fact]
    public void Merge_ConvergesToSum_AfterTwoReplicasExchangeStates()
    {
        var a = new CounterMap();
        var b = new CounterMap();
        a.Increment(V, N1, 3);
        b.Increment(V, N2, 4);
        a.Merge(b);
        b.Merge(a);
        Assert.Equal(7UL, a.ValueOf(V));
        Assert.True(a.SameStateAs(b), "both replicas must hold the same state after a two-way exchange");
        Assert.Equal(3UL, a.EntryOf(V, N1));
    }

    [Fact]
    public void Encode_RoundTrips_ForBinaryAndJson()
    {
        var a = new CounterMap();
        a.Increment(V, N1, 300);
        a.Increment(VideoId.Parse("x"), N2, 1);
        Assert.True(a.SameStateAs(CrdtBinary.DecodeMap(CrdtBinary.Encode(a))), "binary must round-trip");
        Assert.True(a.SameStateAs(CrdtJson.DecodeMap(CrdtJson.Encode(a))), "json must round-trip");
        Assert.Equal(a.Digest().Root, CrdtBinary.DecodeMap(CrdtBinary.Encode(a)).Digest().Root);
    }
}
