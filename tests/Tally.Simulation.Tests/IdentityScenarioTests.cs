namespace Tally.Simulation.Tests;

/// <summary>Issue 8, scenarios 1 to 3 in the simulator: a replica is a data directory, not a name.</summary>
public class IdentityScenarioTests
{
    static Cluster Start(int seed, int nodes, bool clusterIdGiven = true)
    {
        var cluster = new Cluster(new SimulationOptions
        {
            Seed = seed, Nodes = nodes, Videos = 1, Interval = TimeSpan.FromMilliseconds(100), ClusterIdGiven = clusterIdGiven,
        });
        for (var i = 0; i < nodes; i++)
        {
            cluster.AddNode();
        }
        cluster.RunRounds(3);
        return cluster;
    }

    static void Views(Cluster cluster, SimNode node, int views)
    {
        for (var i = 0; i < views; i++)
        {
            Assert.True(cluster.View(node.Index, 0), $"{node.Address} must take view {i + 1} of {views}; {SimAssert.Describe(cluster)}");
        }
        cluster.RunRounds(0.5); // the group commit acknowledges them
    }

    /// <summary>Scenario 1: n1 loses its disk while the newest copy of its entry is on n2, which is down; it learns a
    /// stale copy from n3 and takes views at once. On main it continued its old entry from the stale copy, and the
    /// views were absorbed when n2 came back (the own-entry checker failed).</summary>
    [Fact]
    public void Cluster_LostDiskWhileTheNewestCopyIsOnADownPeer_CountsEveryView()
    {
        var cluster = Start(seed: 31, nodes: 3);
        var (n1, n2, n3) = (cluster.Node("n1"), cluster.Node("n2"), cluster.Node("n3"));
        Views(cluster, n1, 5);
        cluster.RunRounds(5);
        var cut = cluster.Network.Isolate(n3.Index);
        Views(cluster, n1, 10);
        cluster.RunUntil(cluster.Time.Now + 20 * cluster.IntervalTicks, () => n2.Disk.Durable?.EntryOf(cluster.Videos[0], n1.Id) == 15);
        Assert.True(n2.Disk.Durable?.EntryOf(cluster.Videos[0], n1.Id) == 15, $"n2 must hold n1's 15 on its disk; {SimAssert.Describe(cluster)}");
        cluster.Crash(n2.Index);
        cluster.LoseDisk(n1.Index);
        cluster.Network.Heal(cut);
        cluster.RunRounds(3); // n1 learns the stale 5 from n3
        Views(cluster, n1, 3);
        SimAssert.Converged(cluster, cluster.HealAndConverge(40), "all 18 acknowledged views must count once n2 is back");
        Assert.True(cluster.AcknowledgedTotal == 18 && cluster.Checkers.Destroyed == 0 && cluster.TotalCount(n3.Index) == 18,
            $"nothing was destroyed: every view was on a disk; {SimAssert.Describe(cluster)}");
    }

    /// <summary>The command of the issue: n3 cut off for the whole run, n2 down from round 6 to 15, n1's disk lost at
    /// round 7. The views n1 took after n2 went down existed only on n1's lost disk: those are destroyed (reported,
    /// and no protocol can bring them back); every other acknowledged view counts, exactly once.</summary>
    [Fact]
    public void Cluster_IssueCommand_PassesEveryChecker()
    {
        var result = Simulator.Run(new SimulationOptions
        {
            Seed = 1, Nodes = 3, Views = 300, Videos = 1, Rounds = 20,
            Schedule = FaultSchedule.Parse("isolate:n3@0-20; crash:n2@6-15; lose:n1@7-9"),
        });
        SimAssert.Passed(result);
        Assert.True(result.Destroyed < result.Acknowledged / 10, $"only the views of the last round before the loss may be destroyed: {result.Describe()}");
    }

    /// <summary>Scenario 2: n1 has no peers; it loses its disk and starts alone, makes a new cluster id, and takes views
    /// at once. On main it counted on from zero under its old id and merge absorbed those views. Now its views count
    /// and it rejoins the older cluster as soon as n2 reaches it.</summary>
    [Fact]
    public void Cluster_LostDiskOnANodeWithoutPeers_RejoinsAndCountsEveryView()
    {
        var cluster = Start(seed: 32, nodes: 2, clusterIdGiven: false);
        var (n1, n2) = (cluster.Node("n1"), cluster.Node("n2"));
        Assert.True(n1.Seeds.Count == 0 && n2.Replica!.Cluster == n1.Replica!.Cluster && n1.Replica.Cluster.Id is not null,
            "n1 has no peers and made the cluster id; n2 adopted it");
        var first = n1.Replica.Cluster;
        Views(cluster, n1, 6);
        cluster.RunUntil(cluster.Time.Now + 20 * cluster.IntervalTicks, () => n2.Disk.Durable?.EntryOf(cluster.Videos[0], n1.Id) == 6);
        cluster.LoseDisk(n1.Index);
        Assert.True(n1.Replica.Cluster != first, "alone with a blank disk, n1 makes a new cluster id");
        Views(cluster, n1, 2);
        SimAssert.Converged(cluster, cluster.HealAndConverge(40), "all 8 acknowledged views must count");
        Assert.True(cluster.TotalCount(n2.Index) == 8 && n1.Replica.Cluster == first,
            $"n1 must rejoin the older cluster and both must count 8; {SimAssert.Describe(cluster)}");
    }

    /// <summary>Scenario 3: a second live process named n2 (a copied configuration). On main both shared the entry
    /// key "n2" and merge kept only the larger entry. Now each is its own replica and every node reports the name.</summary>
    [Fact]
    public void Cluster_TwoProcessesWithOneName_CountBothAndReportTheConflict()
    {
        var cluster = Start(seed: 33, nodes: 3);
        var n2 = cluster.Node("n2");
        var twin = cluster.Twin(n2.Index);
        Assert.True(twin.Name == "n2" && twin.Id != n2.Id, $"the twin is named n2 but is its own replica: {twin.Id} vs {n2.Id}");
        Views(cluster, n2, 4);
        Views(cluster, twin, 6);
        cluster.RunRounds(10);
        foreach (var node in cluster.Nodes)
        {
            Assert.True(node.Replica!.NameConflicts.SequenceEqual(["n2"]),
                $"{node.Address} must report n2 in conflict, reports [{string.Join(", ", node.Replica.NameConflicts)}]; {SimAssert.Describe(cluster)}");
        }
        SimAssert.Converged(cluster, cluster.HealAndConverge(40), "both processes' views must count");
        Assert.Equal(10UL, cluster.TotalCount(0));
    }
}
