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
        var node = new SimNode(index, id, new SimulatedDisk(formatted), seeds);
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
        Trace.Event(Time.Now, "join", node.Index, node.Incarnation());
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
        node.Replica = new ReplicaNode(node.Id, node.Address, incarnation, _replication, Time,
            new Random(Derive(Seed, 4, node.Index, node.Starts)), node.Disk.Load(), node.Seeds);
        node.Status = NodeStatus.Up;
        Checkers.OnStarted(node, diskKept);
        Trace.Event(Time.Now, diskKept ? "start" : "start-blank", node.Index, incarnation);
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
        Start(node, diskKept: !loseDisk);
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

    /// <summary>True when every other up node holds <paramref name="index"/>'s own entries on its disk, so a blank
    /// restart can recover all of them from any peer.</summary>
    public bool SafeToLoseDisk(int index)
    {
        var node = _nodes[index];
        var holders = 0;
        foreach (var other in _nodes)
        {
            if (other.Index == index || other.Status != NodeStatus.Up)
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
            holders++;
        }
        return holders > 0;
    }

    void CheckLeave(SimNode node)
    {
        if (node.Replica is { IsLeaving: true, LeaveComplete: true })
        {
            Stop(node, NodeStatus.Left);
            Trace.Event(Time.Now, "left", node.Index, 0);
        }
    }

    void Stop(SimNode node, NodeStatus status)
    {
        node.Replica = null;
        node.Status = status;
        node.OwnBatch = null;
        node.OwnBatchViews = null;
        node.Disk.Crash();
        Checkers.OnStopped(node);
    }
}

static class SimNodeExtensions
{
    public static long Incarnation(this SimNode node) => node.Replica?.Incarnation ?? node.LastIncarnation;
}
