namespace Tally.Simulation.Tests;

/// <summary>Named fault scenarios (TigerBeetle's "Cluster: network: partition 2-1"): each scripts one fault during a
/// load of views, heals, and must end with every up node counting exactly the acknowledged views.</summary>
public class ScenarioTests
{
    static SimulationOptions Five(int seed, string faults, double loss = 0.05) => new()
    {
        Seed = seed,
        Nodes = 5,
        Videos = 3,
        Views = 600,
        Rounds = 20,
        Interval = TimeSpan.FromMilliseconds(100),
        Loss = loss,
        Schedule = FaultSchedule.Parse(faults),
        ConvergeRoundsMax = 40,
    };

    /// <summary>Node <paramref name="node"/>'s count at the last sample before the heal, and the acknowledged total then.</summary>
    static (ulong Count, ulong Acknowledged) BeforeHeal(SimulationResult result, SimulationOptions options, int node)
    {
        var healMs = (options.EffectiveWarmupRounds + options.Rounds) * options.Interval.TotalMilliseconds;
        var s = result.Series.TimesMs.ToList().FindLastIndex(t => t < healMs);
        return (result.Series.Counts[s][node], result.Series.Acknowledged[s]);
    }

    [Fact]
    public void Cluster_IsolateOneNode_ConvergesAfterHeal()
    {
        var options = Five(11, "isolate:n2@3-20");
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        var (count, acknowledged) = BeforeHeal(result, options, node: 1);
        Assert.True(count < acknowledged, $"the isolated n2 must lag while isolated (counted {count} of {acknowledged}); {result.Rerun}");
    }

    [Fact]
    public void Cluster_SplitTwoThree_ConvergesAfterHeal()
    {
        var options = Five(12, "cut:n1,n2|n3,n4,n5@2-20");
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        var (count, acknowledged) = BeforeHeal(result, options, node: 0);
        Assert.True(count < acknowledged, $"the minority side must lag during the split (n1 counted {count} of {acknowledged}); {result.Rerun}");
    }

    [Fact]
    public void Cluster_OneWayPartition_ConvergesAfterHeal()
    {
        // n1 hears everyone but no one hears n1: its own views stay with it until the heal.
        var options = Five(13, "oneway:n1>n2,n3,n4,n5@2-20");
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        var (count, acknowledged) = BeforeHeal(result, options, node: 2);
        Assert.True(count < acknowledged, $"n3 must miss n1's views while n1 cannot send (counted {count} of {acknowledged}); {result.Rerun}");
    }

    [Fact]
    public void Cluster_ThirtyPercentLoss_ConvergesExactly()
    {
        var options = Five(14, "", loss: 0.3);
        options.Nodes = 10;
        options.Duplication = 0.05;
        options.Reorder = 0.1;
        options.Wire = WireMode.Full;
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        Assert.True(result.Delivered < result.Messages * 0.8, $"about 30% of the messages must be lost ({result.Delivered} of {result.Messages} delivered); {result.Rerun}");
    }

    [Fact]
    public void Cluster_LeaveUnderLoad_KeepsTheLeaversViews()
    {
        var options = Five(15, "leave:n3@8");
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        Assert.True(result.Stats.Leaves == 1 && result.Series.Counts[^1][2] == CountSeries.NotUp,
            $"n3 must have left and be gone at the end; {result.Rerun}");
    }

    [Fact]
    public void Cluster_JoinUnderLoad_CatchesUpAndConverges()
    {
        var options = Five(16, "join@5");
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        Assert.True(result.Series.Counts[^1].Length == 6 && result.Series.Counts[^1][5] == result.Acknowledged,
            $"the joiner n6 must count every acknowledged view; {result.Rerun}");
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
}
