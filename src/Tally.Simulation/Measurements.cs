using Tally.Replication;

namespace Tally.Simulation;

/// <summary>What delta gossip sends per round when few videos change in a large map, against shipping the whole state.</summary>
/// <param name="Videos">Videos in the map.</param>
/// <param name="Changed">Videos changed after the nodes were in sync.</param>
/// <param name="SyncRounds">Rounds the second node took to copy the whole map at the start (digest repair in slices).</param>
/// <param name="IdleBytesPerRound">Bytes per round, both nodes together, while nothing changes.</param>
/// <param name="DeltaRounds">Rounds from the change until the second node counted it.</param>
/// <param name="DeltaBytesPerRound">Bytes per round, both nodes together, over those rounds.</param>
/// <param name="FullStateBytes">One gossip message carrying the whole map.</param>
/// <param name="FullStateBytesPerRound">Both nodes pushing their whole map once a round (2 messages).</param>
public sealed record DeltaBytes(int Videos, int Changed, int SyncRounds, double IdleBytesPerRound, int DeltaRounds,
    double DeltaBytesPerRound, long FullStateBytes, long FullStateBytesPerRound);

/// <summary>The core alone exchanging messages: the baseline for the simulator's throughput.</summary>
public sealed record CoreBaseline(int Nodes, int Rounds, long Messages, TimeSpan Wall, TimeSpan Cpu)
{
    public double PerWallSecond => Messages / Wall.TotalSeconds;
    public double PerCpuSecond => Messages / Cpu.TotalSeconds;
}

public static class Measurements
{
    /// <summary>The same <see cref="ReplicaNode"/>s with none of the simulator around them: each round every node ticks
    /// and its messages are handed over through a plain queue at once (no clock, scheduler, network model, disk or
    /// checkers; the clock stands still, so every peer stays alive). What is left is the core's own cost per message.</summary>
    public static CoreBaseline CoreOnly(int nodes, int rounds, int fanout = 1, int seed = 1)
    {
        var time = new SimulatedTimeProvider(SimulatedTimeProvider.DefaultStart);
        var options = new ReplicationOptions { Fanout = fanout };
        var ids = Enumerable.Range(1, nodes).Select(i => $"n{i}").ToArray();
        var replicas = ids.Select((id, i) => new ReplicaNode(Tally.Crdt.ReplicaId.Parse(id), id, 1, options, time,
            new Random(Cluster.Derive(seed, 7, i)), new Tally.Crdt.CounterMap(), ids.Where(s => s != id))).ToArray();
        var byAddress = replicas.ToDictionary(r => r.Address, StringComparer.Ordinal);
        var queue = new Queue<Outgoing>();
        long messages = 0;
        void Run(int count)
        {
            for (var round = 0; round < count; round++)
            {
                foreach (var replica in replicas)
                {
                    foreach (var m in replica.Tick().Messages)
                    {
                        queue.Enqueue(m);
                    }
                    while (queue.TryDequeue(out var m))
                    {
                        messages++;
                        foreach (var reply in byAddress[m.Address].Receive(m.Message).Messages)
                        {
                            queue.Enqueue(reply);
                        }
                    }
                }
            }
        }
        Run(Math.Min(rounds, 50)); // warm up the JIT and the membership
        messages = 0;
        var cpu = Environment.CpuUsage.TotalTime;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        Run(rounds);
        return new CoreBaseline(nodes, rounds, messages, wall.Elapsed, Environment.CpuUsage.TotalTime - cpu);
    }

    /// <summary>Two nodes: one view for each of <paramref name="videos"/> videos at n1, gossip until n2 holds them
    /// all, measure idle rounds, then change <paramref name="changed"/> videos and measure the rounds that carry the
    /// change. Bytes are <see cref="GossipCodec"/> encodings of every message sent.</summary>
    public static DeltaBytes DeltaVersusFullState(int videos, int changed, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(videos, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(changed, videos);
        var cluster = new Cluster(new SimulationOptions
        {
            Seed = seed, Nodes = 2, Videos = videos, Fanout = 1, Latency = LatencyModel.Fixed(TimeSpan.FromMilliseconds(1)),
            Wire = WireMode.Size, Sample = false,
        });
        cluster.AddNode();
        cluster.AddNode();
        for (var v = 0; v < videos; v++)
        {
            cluster.View(0, v);
        }
        var syncRounds = RoundsUntil(cluster, () => cluster.TotalCount(1) == (ulong)videos, 1000);
        cluster.RunRounds(cluster.Replication.AntiEntropyRounds); // acknowledgements settle

        var idle = BytesPerRound(cluster, () => cluster.RunRounds(cluster.Replication.AntiEntropyRounds), cluster.Replication.AntiEntropyRounds);
        var step = videos / Math.Max(1, changed);
        for (var i = 0; i < changed; i++)
        {
            cluster.View(0, i * step);
        }
        var target = (ulong)(videos + changed);
        var deltaRounds = 0;
        var delta = BytesPerRound(cluster, () => deltaRounds = RoundsUntil(cluster, () => cluster.TotalCount(1) == target, 100), 1);
        delta = delta / Math.Max(1, deltaRounds);

        var n1 = cluster.Nodes[0].Replica!;
        var full = GossipCodec.Encode(new GossipMessage
        {
            Kind = GossipKind.Push,
            Sender = new MemberRecord(n1.Id, n1.Address, n1.Incarnation, 0, Left: false),
            HasDelta = true,
            DeltaUpTo = n1.State.Version,
            Delta = n1.State,
        }).Length;
        if (cluster.Checkers.First is { } violation)
        {
            throw new SimulationFailedException($"{violation}; Seed={seed}; rerun with --seed {seed}");
        }
        return new DeltaBytes(videos, changed, syncRounds, idle, deltaRounds, delta, full, 2L * full);
    }

    static int RoundsUntil(Cluster cluster, Func<bool> done, int max)
    {
        var rounds = 0;
        while (!done() && rounds < max)
        {
            cluster.RunRounds(1);
            rounds++;
        }
        return done()
            ? rounds
            : throw new SimulationFailedException($"did not converge within {max} rounds; Seed={cluster.Seed}; rerun with --seed {cluster.Seed}");
    }

    static double BytesPerRound(Cluster cluster, Action run, int rounds)
    {
        var before = cluster.Stats.BytesSent;
        run();
        return (cluster.Stats.BytesSent - before) / (double)rounds;
    }
}
