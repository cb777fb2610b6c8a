using Tally.Crdt;
using Tally.Replication;

namespace Tally.Simulation;

public sealed partial class Cluster
{
    ViewTicket? _refusedNow;

    /// <summary>A client sends <paramref name="amount"/> views of video <paramref name="video"/> to node
    /// <paramref name="index"/>, with idempotency key <paramref name="key"/> (0: none). Returns false when the node
    /// refuses at once (down, leaving, busy: the real node's 503). Otherwise the replica answers once the views are
    /// durable (acknowledged), or refuses them later (a failed append no later one carried).</summary>
    public bool View(int index, int video, ulong amount = 1, long key = 0, ConsistencyLevel level = default)
    {
        var node = _nodes[index];
        if (node.Replica is not { } replica)
        {
            Stats.ViewsRefused++;
            return false;
        }
        var id = _videos[video];
        Checkers.BeforeView(node, id, video);
        var ticket = replica.Submit(ViewRequest.Add(id, amount, key == 0 ? null : $"k{key}") with { Write = level.IsLocal ? ConsistencyLevel.One : level });
        node.Waiting.Add(ticket, new ClientRequest(video, amount, key, Level: level));
        Trace.Event(Time.Now, "view", index, video);
        _refusedNow = null;
        Pump(node);
        return _refusedNow != ticket;
    }

    /// <summary>An operator raises node <paramref name="index"/>'s entry for video <paramref name="video"/> to
    /// <paramref name="total"/> (the seed's set_to, the real node's <c>PUT /videos/{id}/total</c>). Returns false when
    /// the node is not taking views or refuses the raise (the real node's 409: lower than its entry, or past
    /// <see cref="GCounter.SetMax"/>). The raise is acknowledged once its append is durable, like a view: what
    /// it added counts as acknowledged views.</summary>
    public bool Raise(int index, int video, ulong total)
    {
        var node = _nodes[index];
        if (node.Replica is not { } replica)
        {
            Stats.RaisesRefused++;
            return false;
        }
        var id = _videos[video];
        Checkers.BeforeView(node, id, video);
        var ticket = replica.Submit(ViewRequest.Raise(id, total));
        node.Waiting.Add(ticket, new ClientRequest(video, total, 0, Raise: true));
        Trace.Event(Time.Now, "raise", index, video);
        _refusedNow = null;
        Pump(node);
        return _refusedNow != ticket;
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

    /// <summary>The answer to a client request: acknowledged views count towards what the cluster must converge to.</summary>
    void Answered(SimNode node, ViewAnswer answer)
    {
        if (!node.Waiting.Remove(answer.Ticket, out var request))
        {
            return;
        }
        if (!request.Level.IsLocal && answer.Status is ViewStatus.Ok or ViewStatus.Unconfirmed)
        {
            OnLevelAnswer(node, request, answer);
        }
        if (answer.Status is not (ViewStatus.Ok or ViewStatus.Unconfirmed))
        {
            if (request.Raise)
            {
                Stats.RaisesRefused++;
            }
            else
            {
                Stats.ViewsRefused++;
            }
            _refusedNow = answer.Ticket;
            return;
        }
        if (answer.Replayed)
        {
            Stats.ViewsReplayed++;
            if (_writtenKeys.Contains(request.Key))
            {
                Stats.RetriesOfWrittenUnreported++;
            }
            Trace.Event(Time.Now, "replay", node.Index, request.Video);
            return;
        }
        if (request.Raise)
        {
            Stats.RaisesAccepted++;
        }
        else
        {
            Stats.ViewsAccepted++;
        }
        if (request.Key != 0)
        {
            Counted(node, request.Key);
        }
        _acknowledged[request.Video] += answer.Added; // a raise acknowledges what it added, like views
        AcknowledgedTotal += answer.Added;
        Trace.Event(Time.Now, "ack", node.Index, request.Video);
        Checkers.OnTargetChanged();
    }

    /// <summary>Each append (or snapshot) completes after its own latency, 0.5 to 1.5 times the disk's, so two in flight
    /// may complete in either order.</summary>
    void ScheduleCompletion(SimNode node, long number)
    {
        var latency = (long)(_options.DiskLatency.Ticks * (0.5 + _diskRandom.NextDouble()));
        Scheduler.At(Time.Now + latency, new SimEvent(EventKind.Flush, node.Index, node.Disk.Epoch, Number: number));
    }

    /// <summary>An append or snapshot completes: durable (own entries in it counted by the checkers before they are
    /// applied), or failed (nothing of it on the disk).</summary>
    void OnFlush(in SimEvent e)
    {
        var node = _nodes[e.Node];
        if (node.Disk.Epoch != e.Epoch || node.Replica is not { } replica)
        {
            return; // the process crashed before this completed
        }
        var before = replica.Version;
        var snapshot = node.Disk.IsSnapshot(e.Number);
        if (_options.DiskFailureRate > 0 && _diskRandom.NextDouble() < _options.DiskFailureRate)
        {
            node.Disk.Fail(e.Number);
            Stats.DiskFailures++;
            if (snapshot)
            {
                replica.SnapshotFailed(e.Number, "simulated I/O error");
            }
            else
            {
                replica.AppendFailed(e.Number, "simulated I/O error");
            }
        }
        else
        {
            var overtakes = !snapshot && node.Disk.OwnInFlightBelow(e.Number);
            if (node.Disk.Complete(e.Number) is { Kind: AppendKind.Own } own)
            {
                Stats.OwnAppendsOutOfOrder += overtakes ? 1 : 0;
                Checkers.OnDurable(node, own.Delta);
            }
            Checkers.OnFlushed(node);
            if (snapshot)
            {
                replica.SnapshotDone(e.Number);
            }
            else
            {
                replica.AppendDurable(e.Number);
            }
        }
        Pump(node);
        Checkers.AfterStep(node, before);
    }

    /// <summary>From now on the checkers track convergence to the acknowledged views.</summary>
    public void ArmConvergence() => Checkers.Arm(_acknowledged);
}
