namespace Tally.Simulation.Tests;

/// <summary>Named node scenarios: crashes, lost disks, joins and leaves during a load of views, and the host rules that
/// keep them from losing acknowledged views. Each must end with every up node counting exactly the acknowledged views.</summary>
public class NodeScenarioTests
{
    [Fact]
    public void Cluster_LeaveUnderLoad_KeepsTheLeaversViews()
    {
        var options = ScenarioOptions.Five(15, "leave:n3@8");
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        Assert.True(result.Stats.Leaves == 1 && result.Series.Counts[^1][2] == CountSeries.NotUp,
            $"n3 must have left and be gone at the end; {result.Rerun}");
    }

    [Fact]
    public void Cluster_JoinUnderLoad_CatchesUpAndConverges()
    {
        var options = ScenarioOptions.Five(16, "join@5");
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        Assert.True(result.Series.Counts[^1].Length == 6 && result.Series.Counts[^1][5] == result.Acknowledged,
            $"the joiner n6 must count every acknowledged view; {result.Rerun}");
    }

    [Fact]
    public void Cluster_CrashesWithClientRetries_CountEveryRetriedViewOnce()
    {
        // Clients retry their last requests (acknowledged or cut off by the crash) to the restarted node with the same
        // idempotency key: the stored keys answer the acknowledged ones, the lost ones count once.
        var options = ScenarioOptions.Five(19, "crash:n2@4-8; crash:n4@6-9; crash:n2@11-13");
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        Assert.True(result.Stats.ViewsRetried > 0 && result.Stats.ViewsReplayed > 0,
            $"clients must have retried and some retries must have been answered from stored keys: retried {result.Stats.ViewsRetried}, replayed {result.Stats.ViewsReplayed}; {result.Rerun}");
    }

    [Fact]
    public void Cluster_CrashDuringGossip_LosesUnflushedMergesAndConvergesAfterRestart()
    {
        var cluster = new Cluster(new SimulationOptions { Seed = 17, Nodes = 5, Videos = 2, Interval = TimeSpan.FromMilliseconds(100), DiskLatency = TimeSpan.FromMilliseconds(60) });
        for (var i = 0; i < 5; i++)
        {
            cluster.AddNode(formatted: true);
        }
        var n3 = cluster.Node("n3");
        SimAssert.Load(cluster, 100);
        ulong inMemory = 0, onDisk = 0;
        cluster.RunUntil(cluster.Time.Now + 20 * cluster.IntervalTicks, () =>
        {
            if (n3.Disk.HasPending && n3.Disk.Durable is { } durable && cluster.TotalCount(n3.Index) > cluster.Videos.Aggregate(0UL, (s, v) => s + durable.ValueOf(v)))
            {
                inMemory = cluster.TotalCount(n3.Index);
                onDisk = cluster.Videos.Aggregate(0UL, (s, v) => s + durable.ValueOf(v));
                return true;
            }
            return false;
        });
        Assert.True(inMemory > onDisk, $"the crash must come while n3 holds merges its disk does not; {SimAssert.Describe(cluster)}");
        cluster.Crash(n3.Index);
        SimAssert.Load(cluster, 50);
        cluster.Restart(n3.Index);
        Assert.True(cluster.TotalCount(n3.Index) <= onDisk, "after the crash n3 starts from what its disk held");
        SimAssert.Converged(cluster, cluster.HealAndConverge(30), "the restarted n3 must catch up from its peers");
    }

    [Fact]
    public void Cluster_LostDiskWithSameId_RecoversOwnEntriesBeforeTakingViews()
    {
        var cluster = new Cluster(new SimulationOptions { Seed = 18, Nodes = 4, Videos = 3, Interval = TimeSpan.FromMilliseconds(100) });
        for (var i = 0; i < 4; i++)
        {
            cluster.AddNode(formatted: true);
        }
        var n2 = cluster.Node("n2");
        for (var i = 0; i < 30; i++)
        {
            Assert.True(cluster.View(n2.Index, i % 3), "n2 must take views before it loses its disk");
            cluster.RunRounds(0.1);
        }
        cluster.RunRounds(10);
        var before = cluster.Videos.Select(v => n2.Replica!.Total(v)).ToArray();

        cluster.LoseDisk(n2.Index);
        Assert.False(cluster.View(n2.Index, 0), "a node that lost its disk must refuse views until it has recovered (503)");
        cluster.RunUntil(cluster.Time.Now + 10 * cluster.IntervalTicks, () => n2.AcceptsViews);
        Assert.True(n2.AcceptsViews, $"n2 must recover within 10 rounds; {SimAssert.Describe(cluster)}");
        var after = cluster.Videos.Select(v => n2.Replica!.Total(v)).ToArray();
        Assert.True(before.SequenceEqual(after), $"n2 must get its own entries back before taking views: had {string.Join(',', before)}, has {string.Join(',', after)}");

        SimAssert.Load(cluster, 60);
        SimAssert.Converged(cluster, cluster.HealAndConverge(30), "every node must count exactly the acknowledged views");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Cluster_CrashWhileRecoveringLostDisk_RecoversAgainOnlyWithTheHostsMarker(bool marker)
    {
        // Small delta and repair limits make the recovery arrive in slices over several rounds, as it does for a node
        // with millions of videos, so a crash can leave part of it on disk.
        var cluster = new Cluster(new SimulationOptions
        {
            Seed = 19, Nodes = 3, Videos = 40, Interval = TimeSpan.FromMilliseconds(100), DeltaVideosMax = 4, RepairVideosMax = 5,
            RecoveryMarker = marker,
        });
        for (var i = 0; i < 3; i++)
        {
            cluster.AddNode(formatted: true);
        }
        var n2 = cluster.Node("n2");
        for (var v = 0; v < 40; v++)
        {
            cluster.View(n2.Index, v);
            cluster.RunRounds(0.02);
        }
        cluster.RunRounds(20);
        cluster.LoseDisk(n2.Index);
        cluster.RunUntil(cluster.Time.Now + 30 * cluster.IntervalTicks, () => n2.Disk.Durable is { Count: > 0 } d && d.Count < 40 && !n2.Disk.HasPending);
        Assert.True(n2.Disk.Durable is { Count: > 0 and < 40 }, $"the crash must come with part of the recovery on disk; {SimAssert.Describe(cluster)}");
        cluster.Crash(n2.Index);
        cluster.Restart(n2.Index);
        for (var i = 0; i < 40 && cluster.Checkers.First is null; i++)
        {
            cluster.RunRounds(0.5);
            cluster.View(n2.Index, i);
        }
        if (marker)
        {
            SimAssert.Converged(cluster, cluster.HealAndConverge(40), "with the marker, the half-recovered disk loads as blank and n2 recovers again");
        }
        else
        {
            Assert.True(cluster.Checkers.First is { Checker: "own-entry" },
                $"without the marker n2 takes views on a half-recovered state, which the own-entry checker must catch; {SimAssert.Describe(cluster)}");
        }
    }

    [Fact]
    public void Cluster_TwoNodesFarApart_RepairInSlicesConverges()
    {
        // 20,000 differing videos against slices of 1,000: the repair must make progress slice after slice.
        var cluster = new Cluster(new SimulationOptions
        {
            Seed = 20, Nodes = 2, Videos = 10_000, Interval = TimeSpan.FromMilliseconds(100), DeltaVideosMax = 100, RepairVideosMax = 500,
        });
        cluster.AddNode(formatted: true);
        cluster.AddNode(formatted: true);
        for (var v = 0; v < 10_000; v++)
        {
            cluster.View(v % 2, v);
        }
        SimAssert.Converged(cluster, cluster.HealAndConverge(60), "two nodes 10,000 videos apart must converge through repair slices");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Cluster_LeaverHandsOffToANodeThatCrashes_KeepsItsViewsOnlyWhenAcksWaitForTheDisk(bool ackAfterDurable)
    {
        // n3 can reach only n2 when it leaves; n2 acknowledges n3's views and crashes right after n3 has gone, before
        // its group commit (300 ms) would have made them durable.
        var cluster = new Cluster(new SimulationOptions
        {
            Seed = 21, Nodes = 3, Videos = 2, Interval = TimeSpan.FromMilliseconds(100), DiskLatency = TimeSpan.FromMilliseconds(300),
            AckAfterDurable = ackAfterDurable,
        });
        for (var i = 0; i < 3; i++)
        {
            cluster.AddNode(formatted: true);
        }
        var (n2, n3) = (cluster.Node("n2"), cluster.Node("n3"));
        cluster.RunRounds(5);
        cluster.Network.Cut([0], [2]);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(cluster.View(n3.Index, i % 2), "n3 must take views before it leaves");
        }
        cluster.RunRounds(4);
        cluster.Leave(n3.Index);
        cluster.RunUntil(cluster.Time.Now + 20 * cluster.IntervalTicks, () => n3.Status == NodeStatus.Left);
        Assert.True(n3.Status == NodeStatus.Left, $"n3 must complete its leave through n2; {SimAssert.Describe(cluster)}");
        cluster.Crash(n2.Index);
        var converged = cluster.HealAndConverge(30);
        if (ackAfterDurable)
        {
            SimAssert.Converged(cluster, converged, "n2 acknowledged n3's views only once they were on its disk, so its crash loses none");
        }
        else
        {
            Assert.False(converged, $"acknowledging before the commit lets n3 leave on state n2's crash then loses; {SimAssert.Describe(cluster)}");
            Assert.True(cluster.Nodes.Where(n => n.Status == NodeStatus.Up).All(n => cluster.TotalCount(n.Index) < cluster.AcknowledgedTotal),
                "the views n3 handed only to n2's memory must be missing everywhere");
        }
    }
}
