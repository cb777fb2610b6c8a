using Tally.Replication;

namespace Tally.Simulation;

/// <summary>Swarm testing (TigerBeetle's VOPR): every seed draws its own small cluster, load, network and faults, then
/// heals; the run must converge exactly within the budget with every checker holding.</summary>
public static class Swarm
{
    /// <summary>Rounds after the heal within which a swarm run must converge.</summary>
    public const int ConvergeRoundsMax = 60;

    public static SimulationOptions Draw(int seed)
    {
        var r = new Random(Cluster.Derive(seed, 100));
        var nodes = r.Next(3, 8);
        var rounds = r.Next(8, 25);
        var options = new SimulationOptions
        {
            Seed = seed,
            Nodes = nodes,
            Videos = r.Next(1, 5),
            Views = r.Next(20, 300),
            Rounds = rounds,
            ConvergeRoundsMax = ConvergeRoundsMax,
            Interval = TimeSpan.FromMilliseconds(100),
            Fanout = r.Next(1, 3),
            Latency = r.Next(3) switch
            {
                0 => LatencyModel.Fixed(TimeSpan.FromMilliseconds(r.Next(1, 10))),
                1 => new LatencyModel(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(r.Next(1, 60)), LatencyShape.Uniform),
                _ => new LatencyModel(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(r.Next(1, 20)), LatencyShape.Exponential),
            },
            Loss = r.Next(3) == 0 ? 0 : r.NextDouble() * 0.3,
            Duplication = r.Next(2) == 0 ? 0 : r.NextDouble() * 0.1,
            Reorder = r.Next(2) == 0 ? 0 : r.NextDouble() * 0.2,
            DiskLatency = TimeSpan.FromMilliseconds(r.Next(0, 30)),
            CrashRate = r.Next(3) == 0 ? 0 : r.NextDouble() * 0.05,
            DiskLossRate = r.NextDouble() * 0.5,
            DowntimeRoundsMax = r.Next(1, 8),
            Joins = r.Next(4) == 0 ? r.Next(1, 3) : 0,
            Leaves = r.Next(4) == 0 ? 1 : 0,
            Sample = false,
            Swarm = true,
            Twins = r.Next(4) == 0 ? r.Next(1, 3) : 0,
            ClusterIdGiven = r.Next(2) == 0,
        };
        var faults = Partitions(r, nodes, rounds);
        if (r.Next(3) == 0)
        {
            faults.AddRange(UnsafeDiskLoss(r, nodes, rounds));
        }
        options.Schedule = new FaultSchedule(faults);
        // Drawn from a source of their own, so the draws above stay what they were for every seed.
        var edge = new Random(Cluster.Derive(seed, 101));
        options.Raises = edge.Next(3) == 0 ? edge.Next(1, 4) : 0;
        options.DiskFailureRate = edge.Next(2) == 0 ? 0 : edge.NextDouble() * 0.05;
        options.CrashWrittenRate = edge.Next(2) == 0 ? 0 : edge.NextDouble();
        // Write and read levels: a share of the views asks for 2, majority or all replicas, with a level timeout
        // from a few rounds to the node's default (so some levels are met and some time out under the faults).
        var levels = new Random(Cluster.Derive(seed, 102));
        options.LevelWrites = levels.Next(3) == 0 ? 0 : levels.NextDouble() * 0.6;
        options.Replica = new ReplicaOptions { LevelTimeout = TimeSpan.FromMilliseconds(levels.Next(300, 5001)) };
        return options;
    }

    /// <summary>The lost-disk case, drawn: one node is cut off, another crashes, and a third loses its disk while
    /// the newest copy of its entries is on the crashed or the cut-off node (nothing guards against it).</summary>
    static IEnumerable<ScheduledFault> UnsafeDiskLoss(Random r, int nodes, int rounds)
    {
        var shuffled = Enumerable.Range(0, nodes).OrderBy(_ => r.Next()).ToArray();
        var (cut, crashed, lost) = (shuffled[0], shuffled[1], shuffled[2]);
        var lossAt = r.Next(1, Math.Max(2, rounds - 1));
        yield return new ScheduledFault(FaultKind.Isolate, [[cut]], 1, 0, r.Next(lossAt + 1, rounds + 1));
        yield return new ScheduledFault(FaultKind.Crash, [[crashed]], 1, Math.Max(0, lossAt - r.Next(0, 3)), r.Next(lossAt + 1, rounds + 1));
        yield return new ScheduledFault(FaultKind.LoseDisk, [[lost]], 1, lossAt, lossAt + r.Next(1, 4));
    }

    static List<ScheduledFault> Partitions(Random r, int nodes, int rounds)
    {
        var faults = new List<ScheduledFault>();
        var count = r.Next(0, 4);
        for (var i = 0; i < count; i++)
        {
            var from = r.Next(0, rounds);
            var to = from + r.Next(1, rounds - from + 1);
            var shuffled = Enumerable.Range(0, nodes).OrderBy(_ => r.Next()).ToArray();
            var cut = r.Next(1, nodes);
            IReadOnlyList<int> a = shuffled[..cut];
            IReadOnlyList<int> b = shuffled[cut..];
            faults.Add(r.Next(4) switch
            {
                0 => new ScheduledFault(FaultKind.Isolate, [[shuffled[0]]], 1, from, to),
                1 => new ScheduledFault(FaultKind.Cut, [a, b], 1, from, to),
                2 => new ScheduledFault(FaultKind.OneWay, [a, b], 1, from, to),
                _ => new ScheduledFault(FaultKind.Drop, [a, b], r.NextDouble(), from, to),
            });
        }
        return faults;
    }
}
