using Tally.Replication;

namespace Tally.Simulation;

public sealed partial class Cluster
{
    void OnTick(in SimEvent e)
    {
        var node = _nodes[e.Node];
        if (node.Epoch != e.Epoch || node.Replica is not { } replica)
        {
            return; // a tick of a process that crashed
        }
        Scheduler.At(Time.Now + IntervalTicks, e);
        var before = replica.Version;
        replica.Tick();
        Pump(node);
        Checkers.AfterStep(node, before);
    }

    void OnDeliver(in SimEvent e)
    {
        var node = _nodes[e.Node];
        if (node.Replica is not { } replica)
        {
            Stats.MessagesToDownNodes++;
            return;
        }
        Stats.MessagesDelivered++;
        Trace.Message(Time.Now, e.From, e.Node, e.Message!);
        var before = replica.Version;
        if (replica.Receive(e.Message!) is { } refused)
        {
            // Every simulated node belongs to one cluster: a refusal splits it for good.
            Checkers.Report("cluster", $"{node.Address} refused a message of its own cluster: {refused.Detail}");
        }
        Pump(node);
        Checkers.AfterStep(node, before);
    }

    /// <summary>Does what the replica asks, as the node's executor does: stores an adopted cluster id first, hands
    /// appends and the snapshot to the disk in number order (each completes after its own latency, or fails), sends
    /// the released messages, answers the clients, and ends the process on an exit request.</summary>
    void Pump(SimNode node)
    {
        if (node.Replica is not { } replica)
        {
            return;
        }
        var ready = replica.TakeReady();
        Stats.OwnAppendsInFlightMax = Math.Max(Stats.OwnAppendsInFlightMax, replica.OwnAppendsInFlight);
        if (ready.Cluster is { } cluster)
        {
            node.Disk.Cluster = cluster;
        }
        foreach (var append in ready.Appends)
        {
            node.Disk.Start(append);
            ScheduleCompletion(node, append.Number);
        }
        if (ready.Snapshot is { } snapshot)
        {
            node.Disk.Start(snapshot);
            ScheduleCompletion(node, snapshot.Number);
        }
        foreach (var (address, message) in ready.Messages)
        {
            Send(node, address, message);
        }
        foreach (var answer in ready.Answers)
        {
            Answered(node, answer);
        }
        if (ready.Exit is { } exit)
        {
            Stop(node, exit.Reason == ExitReason.Left ? NodeStatus.Left : NodeStatus.Down);
            Trace.Event(Time.Now, exit.Reason == ExitReason.Left ? "left" : "leave-timeout", node.Index, 0);
        }
    }

    void Send(SimNode from, string address, GossipMessage message)
    {
        Stats.MessagesSent++;
        if (!_byAddress.TryGetValue(address, out var to))
        {
            return; // no such host: the real transport's connection would fail
        }
        if (_options.Wire != WireMode.Off)
        {
            var bytes = GossipCodec.Encode(message);
            Stats.BytesSent += bytes.Length;
            if (_options.Wire == WireMode.Full)
            {
                message = GossipCodec.Decode(bytes);
            }
        }
        Span<long> delays = stackalloc long[2];
        var copies = Network.Route(from.Index, to, delays);
        for (var i = 0; i < copies; i++)
        {
            Scheduler.At(Time.Now + delays[i], new SimEvent(EventKind.Deliver, to, 0, from.Index, message));
        }
    }
}
