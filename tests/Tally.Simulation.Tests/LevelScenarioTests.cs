using Tally.Replication;

namespace Tally.Simulation.Tests;

/// <summary>Write and read levels in the simulator: the node's rule (the same <see cref="Replica"/>) under partitions.</summary>
public class LevelScenarioTests
{
    static Cluster Three(int seed, TimeSpan? timeout = null)
    {
        var cluster = new Cluster(new SimulationOptions
        {
            Seed = seed,
            Nodes = 3,
            Videos = 1,
            Interval = TimeSpan.FromMilliseconds(100),
            Replica = new ReplicaOptions { LevelTimeout = timeout ?? TimeSpan.FromSeconds(1) },
        });
        for (var i = 0; i < 3; i++)
        {
            cluster.AddNode();
        }
        cluster.RunRounds(5); // the nodes meet
        return cluster;
    }

    [Fact]
    public void Cluster_IsolateOneNode_MajorityWritesTimeOutThereAndSucceedOnTheMajority()
    {
        var cluster = Three(31);
        cluster.Network.Isolate(2);
        Assert.True(cluster.View(2, 0, 3, level: ConsistencyLevel.Majority), "the isolated node takes the views");
        Assert.True(cluster.View(0, 0, 5, level: ConsistencyLevel.Majority));
        cluster.RunRounds(20); // past the level timeout
        Assert.Equal(1, cluster.Stats.LevelWritesUnconfirmed);
        Assert.Equal(1, cluster.Stats.LevelWritesConfirmed);
        Assert.Equal(8UL, cluster.AcknowledgedTotal); // the unconfirmed views are counted too

        // (each confirmed majority write is also followed by a read of its own at a random node)
        var (answered, timedOut) = (cluster.Stats.MajorityReadsAnswered, cluster.Stats.MajorityReadsTimedOut);
        cluster.MajorityRead(1, 0);
        Assert.Equal(answered + 1, cluster.Stats.MajorityReadsAnswered);
        cluster.MajorityRead(2, 0);
        Assert.Equal(timedOut + 1, cluster.Stats.MajorityReadsTimedOut);
        Assert.Null(cluster.Checkers.First);
        cluster.ArmConvergence();
        SimAssert.Converged(cluster, cluster.HealAndConverge(40), "after the heal every node counts the confirmed and the unconfirmed views");
    }

    [Fact]
    public void Cluster_CrashWhileWritesWait_CountsThemAsIndeterminateNotLost()
    {
        var cluster = Three(32, TimeSpan.FromSeconds(30));
        cluster.Network.Isolate(0);
        Assert.True(cluster.View(0, 0, 4, level: ConsistencyLevel.All));
        cluster.RunRounds(2);
        Assert.Equal(0, cluster.Stats.LevelWrites); // still waiting for n2 and n3
        cluster.Crash(0);
        Assert.Equal(1, cluster.Stats.LevelWritesUnconfirmed);
        cluster.Restart(0);
        cluster.ArmConvergence();
        SimAssert.Converged(cluster, cluster.HealAndConverge(40), "the views were durable on n1's disk: they count once it is back");
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    public void Cluster_LevelsUnderSwarmFaults_EveryMajorityReadIncludesTheMajorityWrites(int seed)
    {
        var options = Swarm.Draw(seed);
        options.LevelWrites = 0.5;
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        Assert.True(result.Stats.LevelWritesConfirmed > 0 && result.Stats.MajorityReadsAnswered > 0,
            $"the run must confirm writes above w=1 and check majority reads ({result.Stats.LevelWritesConfirmed}, {result.Stats.MajorityReadsAnswered}); {result.Rerun}");
    }
}
