using Tally.Crdt;
using Tally.Replication;

namespace Tally.Simulation;

/// <summary>A simulated cluster: real <see cref="Replica"/>s (the node's, with its options), each with a
/// <see cref="SimulatedDisk"/>, talking through a <see cref="SimulatedNetwork"/> on a <see cref="SimulatedTimeProvider"/>,
/// driven by a discrete-event <see cref="Scheduler"/> on one thread. The cluster executes each replica's outputs as
/// the node does (TigerBeetle's VOPR: the replicas are real, the clock, network and disk are stubs), and the
/// <see cref="Checkers"/> look at every step.</summary>
public sealed partial class Cluster
{
    readonly SimulationOptions _options;
    readonly ReplicationOptions _replication;
    readonly List<SimNode> _nodes = [];
    readonly Dictionary<string, int> _byAddress = new(StringComparer.Ordinal);
    readonly VideoId[] _videos;
    readonly ulong[] _acknowledged;
    readonly Random _phases;
    readonly Random _clients;
    readonly Random _diskRandom;
    readonly Random _crashWrites;

    public Cluster(SimulationOptions options)
    {
        _options = options;
        _replication = options.Replication();
        Seed = options.Seed;
        Time = new SimulatedTimeProvider(SimulatedTimeProvider.DefaultStart);
        Scheduler = new Scheduler(Time);
        Network = new SimulatedNetwork(new Random(Derive(Seed, 1)), options.Network());
        _phases = new Random(Derive(Seed, 2));
        _clients = new Random(Derive(Seed, 3));
        _diskRandom = new Random(Derive(Seed, 8));
        _crashWrites = new Random(Derive(Seed, 9));
        _videos = [.. Enumerable.Range(0, options.Videos).Select(i => VideoId.Parse($"v{i}"))];
        _acknowledged = new ulong[_videos.Length];
        Checkers = new Checkers(_videos, _nodes, () => Time.Elapsed);
    }

    /// <summary>The cluster id every node is configured with when <see cref="SimulationOptions.ClusterIdGiven"/>.</summary>
    public static ClusterId GivenCluster { get; } = ClusterId.Parse("sim");

    public int Seed { get; }
    public SimulatedTimeProvider Time { get; }
    internal Scheduler Scheduler { get; }
    public SimulatedNetwork Network { get; }
    public Checkers Checkers { get; }
    public Trace Trace { get; } = new();
    public ClusterStats Stats { get; } = new();
    public ReplicationOptions Replication => _replication;
    public IReadOnlyList<SimNode> Nodes => _nodes;
    public IReadOnlyList<VideoId> Videos => _videos;

    /// <summary>Acknowledged views per video (group commit completed, client answered).</summary>
    public IReadOnlyList<ulong> Acknowledged => _acknowledged;

    public ulong AcknowledgedTotal { get; private set; }

    public long IntervalTicks => _replication.GossipInterval.Ticks;

    /// <summary>The events processed so far.</summary>
    public long Events => Scheduler.Processed;

    public SimNode Node(string address) => _nodes[_byAddress[address]];

    /// <summary>A stream of random numbers for <paramref name="stream"/> of this seed; streams are independent, so
    /// adding views does not change what the network decides.</summary>
    public static int Derive(int seed, params ReadOnlySpan<int> stream)
    {
        var h = StableHash.Mix((ulong)(uint)seed ^ 0x5851f42d4c957f2dUL);
        foreach (var s in stream)
        {
            h = StableHash.Mix(h ^ (uint)s);
        }
        return (int)(h >> 33);
    }

    /// <summary>Runs events until <paramref name="until"/> (ticks since start), a violation, or
    /// <paramref name="stop"/> holds after a step.</summary>
    public void RunUntil(long until, Func<bool>? stop = null)
    {
        while (Checkers.First is null && Scheduler.TryNext(until, out var e))
        {
            Dispatch(e);
            if (stop is not null && stop())
            {
                return;
            }
        }
        if (Checkers.First is null)
        {
            Scheduler.AdvanceTo(until);
        }
    }

    /// <summary>Heals every link fault, restarts every crashed node and starts tracking convergence; then runs until
    /// every up node counts exactly the acknowledged views (and no view request is open), a violation, or
    /// <paramref name="roundsMax"/> rounds. Returns true when it converged with every checker holding.</summary>
    public bool HealAndConverge(int roundsMax)
    {
        FaultInjector.Heal(this);
        RunUntil(Time.Now + roundsMax * IntervalTicks, () => Checkers.Converged && _nodes.All(n => n.Settled) && ClusterIdsAgree);
        var converged = Checkers.First is null && Checkers.Converged && ClusterIdsAgree;
        if (converged)
        {
            CheckStoredAtRest();
        }
        return converged && Checkers.First is null;
    }

    /// <summary>At rest, every up node's disk holds what it holds in memory: runs up to <see cref="RestRoundsMax"/>
    /// more rounds (a failed merge append is retried at the next round), then reports a node whose disk misses an
    /// entry.</summary>
    public void CheckStoredAtRest()
    {
        RunUntil(Time.Now + RestRoundsMax * IntervalTicks, () => _nodes.All(n => Checkers.CheckStored(n, report: false)));
        foreach (var node in _nodes)
        {
            Checkers.CheckStored(node, report: true);
        }
    }

    /// <summary>Rounds <see cref="CheckStoredAtRest"/> waits for the disks.</summary>
    public const int RestRoundsMax = 20;

    /// <summary>Every up node knows the same cluster identity (a cluster id spreads with gossip, as counts do).</summary>
    public bool ClusterIdsAgree
    {
        get
        {
            ClusterIdentity? first = null;
            foreach (var node in _nodes)
            {
                if (node.Replica is { } replica)
                {
                    first ??= replica.Cluster;
                    if (replica.Cluster != first)
                    {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /// <summary>Runs <paramref name="rounds"/> gossip intervals.</summary>
    public void RunRounds(double rounds) => RunUntil(Time.Now + (long)(rounds * IntervalTicks));

    /// <summary>Schedules <paramref name="action"/> at <paramref name="when"/> (ticks since start).</summary>
    public void At(long when, Action action) => Scheduler.At(when, new SimEvent(EventKind.Action, -1, 0, Action: action));

    void Dispatch(in SimEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.Deliver:
                OnDeliver(e);
                break;
            case EventKind.Tick:
                OnTick(e);
                break;
            case EventKind.Flush:
                OnFlush(e);
                break;
            case EventKind.Action:
                e.Action!();
                break;
        }
    }
}
