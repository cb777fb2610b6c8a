using Tally.Crdt;
using Tally.Replication;

namespace Tally.Simulation;

public sealed partial class Cluster
{
    /// <summary>Adds node n(k+1) and starts it. The first nodes are everyone's seeds. A <paramref name="formatted"/>
    /// disk (a cluster's first start) lets the node take views at once; a blank one makes it recover from peers
    /// first (a join).</summary>
    public SimNode AddNode(bool formatted)
    {
        var index = _nodes.Count;
        var id = ReplicaId.Parse($"n{index + 1}");
        var seeds = Enumerable.Range(0, Math.Min(_options.SeedNodes, _options.Nodes)).Where(i => i != index).Select(i => $"n{i + 1}").ToArray();
        var node = new SimNode(index, id, new SimulatedDisk(formatted), seeds) { RecoveryMarker = _options.RecoveryMarker };
        _nodes.Add(node);
        _byAddress.Add(node.Address, index);
        Checkers.Register(node);
        Start(node, diskKept: formatted);
        return node;
    }

    /// <summary>A new node joins with a blank disk.</summary>
    public SimNode Join()
    {
        Stats.Joins++;
        var node = AddNode(formatted: false);
        Trace.Event(Time.Now, "join", node.Index, node.LastIncarnation);
        return node;
    }

    void Start(SimNode node, bool diskKept)
    {
        var incarnation = Math.Max(Time.GetUtcNow().ToUnixTimeMilliseconds(), node.LastIncarnation + 1);
        node.LastIncarnation = incarnation;
        node.Starts++;
        node.Epoch++;
        node.OwnBatch = null;
        node.OwnBatchViews = null;
        var loaded = node.Disk.Load(requireComplete: _options.RecoveryMarker);
        node.Replica = new ReplicaNode(node.Id, node.Address, incarnation, _replication, Time,
            new Random(Derive(Seed, 4, node.Index, node.Starts)), loaded, node.Seeds);
        node.Status = NodeStatus.Up;
        // A kept disk on which nothing was ever flushed (since a wipe) is a blank start: the node recovers from peers.
        Checkers.OnStarted(node, diskKept: diskKept && loaded is not null);
        Trace.Event(Time.Now, loaded is not null ? "start" : "start-blank", node.Index, incarnation);
        if (node.LeaveRequested)
        {
            node.Replica.BeginLeave();
        }
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

    /// <summary>Restarts a crashed node, with its disk or (<paramref name="loseDisk"/>) with a blank one.</summary>
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
            node.Disk.Wipe();
        }
        node.LostDisk = loseDisk;
        Start(node, diskKept: !loseDisk);
        RetryAfterRestart(index, loseDisk);
    }

    /// <summary>Crash, then restart at once with a blank disk and the same id.</summary>
    public void LoseDisk(int index)
    {
        Crash(index);
        Restart(index, loseDisk: true);
    }

    /// <summary>The host is asked to leave: it stops taking views, waits for its pending group commit, then calls
    /// <see cref="ReplicaNode.BeginLeave"/>; it exits once <see cref="ReplicaNode.LeaveComplete"/>.</summary>
    public void Leave(int index)
    {
        var node = _nodes[index];
        if (node.Status == NodeStatus.Left || node.LeaveRequested)
        {
            return;
        }
        Stats.Leaves++;
        node.LeaveRequested = true;
        Trace.Event(Time.Now, "leave", index, 0);
        if (node.Replica is { } replica && node.OwnBatch is null)
        {
            replica.BeginLeave();
        }
    }

    /// <summary>True when a blank restart of <paramref name="index"/> cannot lose an acknowledged view: no link fault
    /// stands, and every other node that has not left (up or down) holds all of its own entries on its disk, so the
    /// first peer it syncs with gives them back. Otherwise a disk loss would destroy views no protocol could recover,
    /// or depend on reaching one particular peer within <see cref="ReplicationOptions.RecoveryRounds"/>.</summary>
    public bool SafeToLoseDisk(int index)
    {
        var node = _nodes[index];
        if (Network.Faults.Count > 0)
        {
            return false;
        }
        var holders = 0;
        foreach (var other in _nodes)
        {
            if (other.Index == index || other.Status == NodeStatus.Left)
            {
                continue;
            }
            for (var v = 0; v < _videos.Length; v++)
            {
                if ((other.Disk.Durable?.EntryOf(_videos[v], node.Id) ?? 0) < Checkers.DurableOwn(index, v))
                {
                    return false;
                }
            }
            holders += other.Status == NodeStatus.Up ? 1 : 0;
        }
        return holders > 0;
    }

    /// <summary>True while a node that lost its disk is still recovering from its peers.</summary>
    public bool RecoveringLostDisk => _nodes.Any(n => n.LostDisk && n.Replica is { IsRecovering: true });

    /// <summary>What the host checks after each step of its core: a finished leave ends the process; a finished
    /// recovery is made durable (snapshot and marker) before the node takes views.</summary>
    void HostChecks(SimNode node)
    {
        if (node.Replica is { IsLeaving: true, LeaveComplete: true })
        {
            Stop(node, NodeStatus.Left);
            Trace.Event(Time.Now, "left", node.Index, 0);
        }
        else if (_options.RecoveryMarker && node.Replica is { IsReady: true } replica && !node.Disk.Complete && !node.Disk.CompletionPending)
        {
            node.Disk.AppendRecovered(replica.State.Clone());
            ScheduleFlush(node);
            Trace.Event(Time.Now, "recovered", node.Index, replica.State.Count);
        }
    }

    void Stop(SimNode node, NodeStatus status)
    {
        node.Replica = null;
        node.Status = status;
        node.OwnBatch = null;
        node.OwnBatchViews = null;
        node.OwnBatchKeys = null;
        node.Outbox.Clear(); // messages waiting for the commit die with the process
        node.Disk.Crash();
        Checkers.OnStopped(node);
    }
}
