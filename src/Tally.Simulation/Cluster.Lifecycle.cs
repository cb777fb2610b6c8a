using System.Globalization;
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
        AbandonLevelWaits(node); // before the written appends: those answers were counted when they became durable
        WriteUnreported(node);
        Stop(node, NodeStatus.Down);
        Trace.Event(Time.Now, "crash", index, 0);
    }

    /// <summary>Keys of the requests a crash left written and unanswered (a retry of one is answered from the stored key).</summary>
    readonly HashSet<long> _writtenKeys = [];

    /// <summary>Some appends and snapshots in flight reached the disk before the crash, but their completion never
    /// reached the replica: durable, unanswered. The views they hold are counted (they are on a disk), so they join
    /// what the cluster must converge to: exactly the rise of the replica's durable own entries, since every view
    /// below it was answered when it became durable. A client's retry finds their key stored and counts nothing.</summary>
    void WriteUnreported(SimNode node)
    {
        if (_options.CrashWrittenRate <= 0)
        {
            return;
        }
        foreach (var number in node.Disk.InFlightNumbers)
        {
            if (_crashWrites.NextDouble() >= _options.CrashWrittenRate)
            {
                continue;
            }
            Stats.WrittenUnreported++;
            Trace.Event(Time.Now, "written-unreported", node.Index, number);
            if (node.Disk.Complete(number) is { Kind: AppendKind.Own } own)
            {
                foreach (var key in own.Keys.Select(k => long.Parse(k.Key.AsSpan(1), CultureInfo.InvariantCulture)))
                {
                    // An append also carries the keys of the open appends it covers, some answered already (a later
                    // append that covered them was durable first).
                    if (_countedKeys.Add(key))
                    {
                        _writtenKeys.Add(key);
                    }
                }
                var before = own.Delta.Videos.Select(v => (Video: Checkers.VideoIndex(v), Durable: Checkers.DurableOwn(node.Index, Checkers.VideoIndex(v)))).ToList();
                Checkers.OnDurable(node, own.Delta);
                foreach (var (video, durable) in before)
                {
                    var added = Checkers.DurableOwn(node.Index, video) - durable;
                    _acknowledged[video] += added;
                    AcknowledgedTotal += added;
                    Stats.ViewsWrittenUnanswered += (long)added;
                }
                Checkers.OnTargetChanged();
            }
            Checkers.OnFlushed(node);
        }
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
        AbandonLevelWaits(node);
        node.Replica = null;
        node.Core = null;
        node.Status = status;
        node.Waiting.Clear(); // clients waiting for an answer get none (their connection drops)
        node.Disk.Crash();
        Checkers.OnStopped(node);
    }

    /// <summary>The process ends while answers wait for their write level: their views are counted and durable, the
    /// clients get no answer (indeterminate); they count as the node's 504 would. Answering twice changes nothing.</summary>
    void AbandonLevelWaits(SimNode node)
    {
        foreach (var answer in node.Replica?.LevelWaiting ?? [])
        {
            Answered(node, answer with { Status = ViewStatus.Unconfirmed });
        }
    }
}
