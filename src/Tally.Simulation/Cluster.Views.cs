using Tally.Crdt;

namespace Tally.Simulation;

public sealed partial class Cluster
{
    /// <summary>A client sends <paramref name="amount"/> views of video <paramref name="video"/> to node
    /// <paramref name="index"/>. Returns false when the node refuses (down, recovering, leaving: the real node's
    /// 503). Accepted views are acknowledged at the node's next group commit.</summary>
    public bool View(int index, int video, ulong amount = 1)
    {
        var node = _nodes[index];
        if (!node.AcceptsViews)
        {
            Stats.ViewsRefused++;
            return false;
        }
        var id = _videos[video];
        Checkers.BeforeView(node, id, video);
        node.Replica!.PrepareView(node.OwnBatch ??= new CounterMap(), id, amount);
        (node.OwnBatchViews ??= new ulong[_videos.Length])[video] += amount;
        Stats.ViewsAccepted++;
        Trace.Event(Time.Now, "view", index, video);
        ScheduleFlush(node);
        return true;
    }

    /// <summary>An operator raises node <paramref name="index"/>'s entry for video <paramref name="video"/> to
    /// <paramref name="total"/> (the seed's set_to, the real node's <c>PUT /videos/{id}/total</c>). Returns false when
    /// the node is not taking views or refuses the raise (the real node's 409: lower than its entry, or past
    /// <see cref="GCounter.SetMax"/>). The raise is acknowledged at the node's next group commit, like a view: what
    /// it added counts as acknowledged views.</summary>
    public bool Raise(int index, int video, ulong total)
    {
        var node = _nodes[index];
        if (!node.AcceptsViews)
        {
            Stats.RaisesRefused++;
            return false;
        }
        var id = _videos[video];
        Checkers.BeforeView(node, id, video);
        var batch = node.OwnBatch ?? new CounterMap();
        var before = Math.Max(node.Replica!.Total(id), batch.EntryOf(id, node.Id));
        try
        {
            var after = node.Replica.PrepareRaise(batch, id, total);
            node.OwnBatch = batch;
            (node.OwnBatchViews ??= new ulong[_videos.Length])[video] += after - before;
        }
        catch (Exception e) when (e is CounterOverflowException or CounterRegressionException)
        {
            Stats.RaisesRefused++;
            return false;
        }
        Stats.RaisesAccepted++;
        Trace.Event(Time.Now, "raise", index, video);
        ScheduleFlush(node);
        return true;
    }

    /// <summary>A client sends one view of <paramref name="video"/> (-1: a random one) to a random node, trying up to
    /// three nodes, as a client behind a load balancer would after a 503. Each try carries its own idempotency key
    /// (a 503 counted nothing); see <see cref="KeyedView"/> for retries after a restart.</summary>
    public bool ClientView(int video = -1)
    {
        var v = video >= 0 ? video : _clients.Next(_videos.Length);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (NewKeyedView(_clients.Next(_nodes.Count), v))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Schedules one client view at <paramref name="when"/>.</summary>
    public void ClientViewAt(long when, int video = -1) => Scheduler.At(when, new SimEvent(EventKind.View, -1, 0, video));

    void ScheduleFlush(SimNode node)
    {
        if (!node.Disk.FlushScheduled)
        {
            node.Disk.FlushScheduled = true;
            Scheduler.At(Time.Now + _options.DiskLatency.Ticks, new SimEvent(EventKind.Flush, node.Index, node.Disk.Epoch));
        }
    }

    /// <summary>A group commit: everything appended becomes durable; the own views in it are applied and
    /// acknowledged.</summary>
    void OnFlush(in SimEvent e)
    {
        var node = _nodes[e.Node];
        if (node.Disk.Epoch != e.Epoch)
        {
            return; // the process crashed before this commit
        }
        var batch = node.OwnBatch;
        if (batch is not null)
        {
            node.Disk.Append(batch, node.OwnBatchKeys);
            Checkers.OnDurable(node, batch);
        }
        node.Disk.Flush();
        Checkers.OnFlushed(node);
        SendHeld(node);
        if (batch is null || node.Replica is not { } replica)
        {
            return;
        }
        var before = replica.State.Version;
        replica.ApplyOwn(batch);
        var views = node.OwnBatchViews!;
        node.OwnBatch = null;
        node.OwnBatchViews = null;
        node.OwnBatchKeys = null;
        for (var v = 0; v < views.Length; v++)
        {
            _acknowledged[v] += views[v];
            AcknowledgedTotal += views[v];
        }
        Trace.Event(Time.Now, "ack", node.Index, batch.Count);
        Checkers.OnTargetChanged();
        Checkers.AfterStep(node, batch, before, mustPersist: false);
        if (node.LeaveRequested)
        {
            replica.BeginLeave();
        }
    }

    /// <summary>From now on the checkers track convergence to the acknowledged views.</summary>
    public void ArmConvergence() => Checkers.Arm(_acknowledged);
}
