using Tally.Crdt;
using Tally.Replication;

namespace Tally.Simulation;

public sealed partial class Cluster
{
    /// <summary>Adds node n(k+1) and starts it. The first nodes are everyone's seeds (except n1's own, when the cluster
    /// id is not given: n1 then has no peers and makes it). A node's disk starts blank: its first start makes its
    /// replica id.</summary>
    public SimNode AddNode()
    {
        var index = _nodes.Count;
        var name = $"n{index + 1}";
        return AddProcess(index, name, index == 0 && !_options.ClusterIdGiven ? [] : SeedsFor(index));
    }

    string[] SeedsFor(int index) =>
        [.. Enumerable.Range(0, Math.Min(_options.SeedNodes, _options.Nodes)).Where(i => i != index).Select(i => $"n{i + 1}")];

    SimNode AddProcess(int index, string name, string[] seeds)
    {
        var node = new SimNode(index, name, $"n{index + 1}", new SimulatedDisk(), seeds);
        _nodes.Add(node);
        _byAddress.Add(node.Address, index);
        Checkers.Register(node);
        Start(node, diskKept: true);
        return node;
    }

    /// <summary>A new node joins with a blank disk.</summary>
    public SimNode Join()
    {
        Stats.Joins++;
        var node = AddNode();
        Trace.Event(Time.Now, "join", node.Index, node.LastIncarnation);
        return node;
    }

    /// <summary>A second process starts with the name of node <paramref name="of"/> (a copied configuration): its own
    /// address (the next node number) and disk, the cluster's seeds. It is a replica of its own, so every view it takes
    /// counts; the nodes report the name conflict.</summary>
    public SimNode Twin(int of)
    {
        Stats.Twins++;
        var index = _nodes.Count;
        var node = AddProcess(index, _nodes[of].Name, SeedsFor(index));
        Trace.Event(Time.Now, "twin", node.Index, of);
        return node;
    }

    void Start(SimNode node, bool diskKept)
    {
        var incarnation = Math.Max(Time.GetUtcNow().ToUnixTimeMilliseconds(), node.LastIncarnation + 1);
        node.LastIncarnation = incarnation;
        node.Starts++;
        node.Epoch++;
        node.Waiting.Clear();
        var loaded = node.Disk.Load();
        // What the node's host does at start (ReplicaExecutor.StartAsync): a blank disk makes a new replica id; the
        // cluster id is the configured one, else the stored one, else made by a node without peers.
        var identities = new Random(Derive(Seed, 7, node.Index, node.Starts));
        node.Disk.Replica ??= ReplicaId.New(node.Name, identities);
        node.Id = node.Disk.Replica.Value;
        node.Disk.Cluster = ClusterIdentity.AtStart(node.Disk.Cluster, _options.ClusterIdGiven ? GivenCluster : null,
            node.Seeds.Count > 0, () => ClusterId.New(Time.GetUtcNow(), identities));
        node.Core = new ReplicaNode(node.Id, node.Address, incarnation, _replication, Time,
            new Random(Derive(Seed, 4, node.Index, node.Starts)), loaded, node.Seeds, node.Disk.Cluster);
        node.Replica = new Replica(node.Core, _options.Replica, Time, node.Disk.LoadKeys());
        node.Status = NodeStatus.Up;
        Checkers.OnStarted(node, diskKept: diskKept && loaded is not null);
        Trace.Event(Time.Now, loaded is not null ? "start" : "start-blank", node.Index, incarnation);
        Scheduler.At(Time.Now + (long)(_phases.NextDouble() * IntervalTicks), new SimEvent(EventKind.Tick, node.Index, node.Epoch));
    }

    /// <summary>The node's process dies: its memory and unflushed appends are gone, its disk stays.</summary>
    public void Crash(int index)
    {
        var node = _nodes[index];
        if (node.Status != NodeStatus.Up)
        {
            return;
        }
        Stats.Crashes++;
        Stop(node, NodeStatus.Down);
        Trace.Event(Time.Now, "crash", index, 0);
    }

    /// <summary>Restarts a crashed node, with its disk or (<paramref name="loseDisk"/>) with a blank one: then it is a
    /// new replica of the same name, and takes views at once.</summary>
    public void Restart(int index, bool loseDisk = false)
    {
        var node = _nodes[index];
        if (node.Status != NodeStatus.Down)
        {
            return;
        }
        if (loseDisk)
        {
            Stats.DiskLosses++;
            Checkers.OnDiskLost(node);
            node.Disk.Wipe();
        }
        node.LostDisk = loseDisk;
        Start(node, diskKept: !loseDisk);
        RetryAfterRestart(index, loseDisk);
    }

    /// <summary>Crash, then restart at once with a blank disk and the same name (a new replica).</summary>
    public void LoseDisk(int index)
    {
        Crash(index);
        Restart(index, loseDisk: true);
    }

    /// <summary>The operator asks the node to leave (<c>POST /admin/leave</c>): the replica refuses views, begins its
    /// leave once no own commit is open, and asks to exit once a live peer acknowledged everything. A crash forgets
    /// the request, as the node's does.</summary>
    public void Leave(int index)
    {
        var node = _nodes[index];
        if (node.Replica is not { Phase: ReplicaPhase.Serving } replica)
        {
            return;
        }
        Stats.Leaves++;
        Trace.Event(Time.Now, "leave", index, 0);
        replica.Leave();
        Pump(node);
    }

    void Stop(SimNode node, NodeStatus status)
    {
        if (node.Replica is { } replica)
        {
            // Counted and durable, waiting for their level: the clients get no answer (indeterminate), the views count.
            foreach (var answer in replica.LevelWaiting)
            {
                Answered(node, answer with { Status = ViewStatus.Unconfirmed });
            }
        }
        node.Replica = null;
        node.Core = null;
        node.Status = status;
        node.Waiting.Clear(); // clients waiting for an answer get none (their connection drops)
        node.Disk.Crash();
        Checkers.OnStopped(node);
    }
}
