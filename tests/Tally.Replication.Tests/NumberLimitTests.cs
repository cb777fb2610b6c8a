using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Every limit the core applies to own views and raises (<see cref="ReplicaNode.PrepareView"/>,
/// <see cref="ReplicaNode.PrepareRaise"/>), checked directly: a refused request leaves the batch and the state as they
/// were; another replica's entry, however large, never stops a view, and gossip with entries at 2^64-1 always
/// converges to exact counts (docs/architecture.md, "Numbers").</summary>
public class NumberLimitTests
{
    static readonly VideoId V = VideoId.Parse("v1");
    static readonly VideoId W = VideoId.Parse("w1");

    /// <summary>A disk holding <paramref name="entries"/> of video v1 (any values: a disk or a peer may hold entries
    /// a request could never make).</summary>
    static CounterMap DiskWith((string Replica, ulong Entry)[] entries)
    {
        var disk = new CounterMap();
        foreach (var (replica, entry) in entries)
        {
            disk.Join(V, ReplicaId.Parse(replica), entry);
        }
        return disk;
    }

    /// <summary>The gossip core of node n1, started from a disk holding <paramref name="entries"/>.</summary>
    static ReplicaNode NodeWith(params (string Replica, ulong Entry)[] entries) =>
        new(ReplicaId.Parse("n1"), "n1", 1, new ReplicationOptions(), new FakeTimeProvider(Harness.Start), new Random(1), DiskWith(entries), []);

    /// <summary>Node <paramref name="id"/> of <paramref name="cluster"/>, started from a disk holding <paramref name="entries"/>.</summary>
    static Harness NodeWith(Mesh cluster, string id, string[] seeds, params (string Replica, ulong Entry)[] entries)
    {
        cluster.Disks[id] = new ModelDisk(DiskWith(entries));
        return cluster.Add(id, withDisk: true, seeds);
    }

    static void AssertUnchanged(ReplicaNode node, CounterMap batch, ulong batchEntry, UInt128 count, string what)
    {
        Assert.True(batch.EntryOf(V, node.Id) == batchEntry, $"{what} must leave the batch as it was");
        Assert.True(node.Count(V) == count, $"{what} must leave the state as it was");
    }

    [Fact]
    public void PrepareView_TakesViewsUpToEntryMax_AndRefusesTheNextOne()
    {
        var node = NodeWith(("n1", GCounter.EntryMax - 3));
        var batch = new CounterMap();

        Assert.Equal(GCounter.EntryMax, node.PrepareView(batch, V, 3));
        var e = Assert.Throws<CounterOverflowException>(() => node.PrepareView(batch, V, 1));

        Assert.Contains($"this node's entry ({GCounter.EntryMax}) past {GCounter.EntryMax}", e.Message, StringComparison.Ordinal);
        AssertUnchanged(node, batch, GCounter.EntryMax, GCounter.EntryMax - 3, "a refused view");
    }

    [Fact]
    public void PrepareView_RefusesWithOverflow_WhenTheOwnEntryIsAlreadyAtUlongMax()
    {
        // An own entry beyond EntryMax can only come from an old data directory; a view must be refused as an
        // overflow, never wrap around to a lower entry.
        var node = NodeWith(("n1", ulong.MaxValue));
        var batch = new CounterMap();

        var e = Assert.Throws<CounterOverflowException>(() => node.PrepareView(batch, V, 1));

        Assert.Contains("this node's entry", e.Message, StringComparison.Ordinal);
        AssertUnchanged(node, batch, 0, ulong.MaxValue, "a refused view");
    }

    [Fact]
    public void PrepareView_CountsExactly_WhenAnotherReplicasEntryIsAtUlongMax()
    {
        // Overflow through another replica's entry: only this node's own entry limits its views, and the count is a
        // UInt128, so a peer's huge entry can never turn views away (the wedge of issue 8, scenario 4).
        var node = NodeWith(("n1", 5), ("n2", ulong.MaxValue));
        var batch = new CounterMap();

        Assert.Equal(8UL, node.PrepareView(batch, V, 3));
        node.ApplyOwn(batch);

        Assert.Equal((UInt128)ulong.MaxValue + 8, node.Count(V));
    }

    [Fact]
    public void PrepareRaise_RaisesToSetMax_AndRefusesAboveIt()
    {
        var node = NodeWith(("n1", 5));
        var batch = new CounterMap();

        var e = Assert.Throws<CounterOverflowException>(() => node.PrepareRaise(batch, V, GCounter.SetMax + 1));
        Assert.Contains($"past the largest set_to total, {GCounter.SetMax}", e.Message, StringComparison.Ordinal);
        AssertUnchanged(node, batch, 0, 5, "a raise past SetMax");
        Assert.Throws<CounterOverflowException>(() => node.PrepareRaise(batch, V, ulong.MaxValue));
        AssertUnchanged(node, batch, 0, 5, "a raise to 2^64-1");

        Assert.Equal(GCounter.SetMax, node.PrepareRaise(batch, V, GCounter.SetMax));
        node.ApplyOwn(batch);
        Assert.Equal((UInt128)GCounter.SetMax, node.Count(V));
    }

    [Fact]
    public void PrepareRaise_RefusesARaise_ThatWouldTakeTheCountPastSetMax()
    {
        var node = NodeWith(("n1", 5), ("n2", GCounter.SetMax - 10));
        var batch = new CounterMap();

        var e = Assert.Throws<CounterOverflowException>(() => node.PrepareRaise(batch, V, 11));
        Assert.Contains($"would make its count {GCounter.SetMax + 1}", e.Message, StringComparison.Ordinal);
        AssertUnchanged(node, batch, 0, GCounter.SetMax - 5, "a raise past the count limit");

        Assert.Equal(10UL, node.PrepareRaise(batch, V, 10));
        node.ApplyOwn(batch);
        Assert.Equal((UInt128)GCounter.SetMax, node.Count(V));
    }

    [Fact]
    public void PrepareRaise_ChainsOnTheBatch_WhenViewsAreStillInIt()
    {
        var node = NodeWith(("n1", 5), ("n2", GCounter.SetMax - 20));
        var batch = new CounterMap();
        node.PrepareView(batch, V, 10); // entry 15 in the batch, not yet applied

        Assert.Throws<CounterRegressionException>(() => node.PrepareRaise(batch, V, 14));
        Assert.Equal(15UL, node.PrepareRaise(batch, V, 15));
        Assert.Throws<CounterOverflowException>(() => node.PrepareRaise(batch, V, 21));
        Assert.Equal(20UL, node.PrepareRaise(batch, V, 20));
        AssertUnchanged(node, batch, 20, GCounter.SetMax - 15, "preparing");
    }

    [Fact]
    public void PrepareRaise_ChangesNothing_WhenTheTotalEqualsAnEntryAlreadyPastTheLimits()
    {
        var node = NodeWith(("n1", ulong.MaxValue));
        var batch = new CounterMap();

        Assert.Equal(ulong.MaxValue, node.PrepareRaise(batch, V, ulong.MaxValue));
        Assert.Throws<CounterRegressionException>(() => node.PrepareRaise(batch, V, 1));
        AssertUnchanged(node, batch, 0, ulong.MaxValue, "a raise to the current entry");
    }

    [Fact]
    public void Gossip_ConvergesToExactCounts_WhenBothSidesHoldEntriesAtUlongMax()
    {
        // Scenario 4 of issue 8 at the core: one side of a healed partition holds an entry near 2^64, the other 100.
        // The merge used to throw, so the digests differed forever. Now every node counts the exact sum.
        var cluster = new Mesh();
        NodeWith(cluster, "n1", ["n2", "n3"], ("n1", ulong.MaxValue - 1), ("n9", ulong.MaxValue));
        NodeWith(cluster, "n2", ["n1", "n3"]);
        NodeWith(cluster, "n3", ["n1", "n2"]);
        cluster.View("n2", "v1", 100);
        cluster.View("n3", "w1", 7);
        var expected = (UInt128)ulong.MaxValue - 1 + ulong.MaxValue + 100;

        static UInt128 Count(Harness node, VideoId video) => node.Replica.Read(video).Value;
        for (var r = 0; r < 30 && !cluster.Nodes.Values.All(n => Count(n, V) == expected && Count(n, W) == 7); r++)
        {
            cluster.Round();
        }

        Assert.All(cluster.Nodes.Values, n => Assert.True(Count(n, V) == expected && Count(n, W) == 7,
            $"{n.Id} must count {expected} views of v1 and 7 of w1; counts {Count(n, V)} and {Count(n, W)}"));
        Assert.True(cluster.Nodes.Values.Select(n => n.Core.State.Digest().Root).Distinct().Count() == 1, "the healed replicas must hold equal states");
    }
}
