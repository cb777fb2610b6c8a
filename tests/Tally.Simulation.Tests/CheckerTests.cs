using Tally.Crdt;

namespace Tally.Simulation.Tests;

/// <summary>The checkers must catch what they are for; a host that breaks the rules is the easiest way to show it.</summary>
public class CheckerTests
{
    static Cluster Three(int seed)
    {
        var cluster = new Cluster(new SimulationOptions { Seed = seed, Nodes = 3, Videos = 2, Interval = TimeSpan.FromMilliseconds(100) });
        for (var i = 0; i < 3; i++)
        {
            cluster.AddNode();
        }
        return cluster;
    }

    [Fact]
    public void Bound_Fails_WhenAnEntryWasNeverMadeDurable()
    {
        var cluster = Three(1);
        SimAssert.Load(cluster, 20);
        var n1 = cluster.Node("n1");
        var batch = new CounterMap();
        n1.Replica!.PrepareView(batch, cluster.Videos[0], 5);
        n1.Replica.ApplyOwn(batch); // a broken host: applied without the group commit
        cluster.RunRounds(3);
        Assert.True(cluster.Checkers.First is { Checker: "bound" }, $"a peer holding n1's undurable entry must break the bound; {SimAssert.Describe(cluster)}");
    }

    [Fact]
    public void Converged_StaysFalse_WhileAnUpNodeMissesViews()
    {
        var cluster = Three(2);
        SimAssert.Load(cluster, 20);
        cluster.Network.Isolate(2);
        for (var i = 0; i < 10; i++)
        {
            cluster.View(0, 0);
        }
        cluster.ArmConvergence();
        cluster.RunRounds(5);
        Assert.False(cluster.Checkers.Converged, "an isolated node cannot count views it never heard of");
        SimAssert.Converged(cluster, cluster.HealAndConverge(20), "after the heal every node must count them");
    }

    [Fact]
    public void Persist_Fails_WhenTheHostIsNotToldToStoreAMerge()
    {
        var cluster = Three(3);
        SimAssert.Load(cluster, 10);
        var n2 = cluster.Node("n2");
        var before = n2.Replica!.State.Version;
        n2.Replica.State.Merge(CounterMap.Single(cluster.Videos[1], n2.Id, 1_000)); // bypasses the core's effects
        cluster.Checkers.AfterStep(n2, rows: null, before, mustPersist: true);
        Assert.True(cluster.Checkers.First is { Checker: "persist" }, "a change of the map that is not handed to the host must be reported");
    }

    [Fact]
    public void OwnEntry_Fails_WhenABlankDiskKeepsTheOldReplicaId()
    {
        var cluster = Three(4);
        var n1 = cluster.Node("n1");
        for (var i = 0; i < 5; i++)
        {
            cluster.View(n1.Index, 0);
        }
        cluster.RunRounds(3);
        var old = n1.Id;
        cluster.Crash(n1.Index);
        n1.Disk.Wipe();
        n1.Disk.Replica = old; // a broken host: the lost disk's node continues the old replica from zero
        cluster.Restart(n1.Index);
        Assert.True(cluster.Checkers.First is { Checker: "own-entry" }, $"continuing a replica below its durable entry must be reported; {SimAssert.Describe(cluster)}");
    }
}
