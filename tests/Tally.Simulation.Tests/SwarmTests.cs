namespace Tally.Simulation.Tests;

/// <summary>Swarm runs: each seed draws its own cluster (3-7 nodes), load, loss, duplication, reordering, partitions,
/// crashes, disk losses (unguarded, also while the newest copy is on a down or cut-off peer, and on a node without
/// peers), second processes with one name, joins, leaves and operator raises to the edge of the number domain, encodes
/// and decodes every message, heals, and must converge exactly within
/// <see cref="Swarm.ConvergeRoundsMax"/> rounds with every checker holding.</summary>
public class SwarmTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 50)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Swarm_Seed_ConvergesExactly(int seed)
    {
        var options = Swarm.Draw(seed);
        options.Wire = WireMode.Full;
        SimAssert.Passed(Simulator.Run(options));
    }

    [Fact]
    public void Swarm_Seeds_RunTheNodesCommitPipeline_TwoOwnAppendsInFlightCompletingOutOfOrderAndFailing()
    {
        // What issue 9 asked of the swarm: the replica with the node's options, so two own appends in flight, on a disk
        // whose appends complete out of order and fail. A simulator that completed appends in order, or ran one commit
        // at a time, would pass every other swarm test and fail this one.
        var runs = Enumerable.Range(1, 6).Select(seed => Simulator.Run(Swarm.Draw(seed))).ToList();
        Assert.All(runs, r => SimAssert.Passed(r));
        Assert.True(runs.Max(r => r.Stats.OwnAppendsInFlightMax) == new Replication.ReplicaOptions().CommitsInFlightMax,
            $"some replica must have had the node's {new Replication.ReplicaOptions().CommitsInFlightMax} own appends in flight at once; at most {runs.Max(r => r.Stats.OwnAppendsInFlightMax)}");
        Assert.True(runs.Sum(r => r.Stats.OwnAppendsOutOfOrder) > 0, "some own append must have become durable before one numbered below it");
        Assert.True(runs.Sum(r => r.Stats.DiskFailures) > 0, "some append must have failed");
    }

    [Fact]
    public void Draw_DrawsEveryKindOfFault_OverTheSeeds()
    {
        var drawn = Enumerable.Range(1, 50).Select(Swarm.Draw).ToList();
        Assert.True(drawn.Any(o => o.Loss > 0) && drawn.Any(o => o.Duplication > 0) && drawn.Any(o => o.Reorder > 0), "the swarm seeds must draw loss, duplication and reordering");
        Assert.True(drawn.Any(o => o.CrashRate > 0 && o.DiskLossRate > 0) && drawn.Any(o => o.Joins > 0) && drawn.Any(o => o.Leaves > 0), "the swarm seeds must draw crashes, disk losses, joins and leaves");
        Assert.True(drawn.Any(o => o.Raises > 0), "the swarm seeds must draw operator raises at the edge of the number domain");
        Assert.True(drawn.Any(o => o.DiskFailureRate > 0) && drawn.Any(o => o.CrashWrittenRate > 0),
            "the swarm seeds must draw failing appends and crashes between written and reported");
        var kinds = drawn.SelectMany(o => o.Schedule.Faults).Select(f => f.Kind).ToHashSet();
        Assert.True(kinds.SetEquals([FaultKind.Isolate, FaultKind.Cut, FaultKind.OneWay, FaultKind.Drop, FaultKind.Crash, FaultKind.LoseDisk]),
            $"the swarm seeds must draw every partition kind and the unsafe disk loss (a disk lost while a peer is down and another cut off), drew {string.Join(',', kinds)}");
        Assert.True(drawn.Any(o => o.LevelWrites > 0) && drawn.Any(o => o.LevelWrites == 0), "the swarm seeds must draw writes above w=1 (with majority reads after them) and runs without");
        Assert.True(drawn.Any(o => o.Twins > 0), "the swarm seeds must draw second processes with a running node's name");
        Assert.True(drawn.Any(o => o.ClusterIdGiven) && drawn.Any(o => !o.ClusterIdGiven), "the swarm seeds must draw both a given cluster id and one made by a node without peers");
    }
}
