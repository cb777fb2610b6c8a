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
        var before = replica.State.Version;
        Apply(node, replica.Tick());
        HostChecks(node);
        Checkers.AfterStep(node, null, before, mustPersist: true);
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
        var before = replica.State.Version;
        var effects = replica.Receive(e.Message!);
        if (effects.Refused is { } refused)
        {
            // Every simulated node belongs to one cluster: a refusal splits it for good.
            Checkers.Report("cluster", $"{node.Address} refused a message of its own cluster: {refused.Detail}");
        }
        if (effects.Cluster is { } cluster)
        {
            node.Disk.Cluster = cluster; // the host stores it before the merge it came with
        }
        Apply(node, effects);
        HostChecks(node);
        Checkers.AfterStep(node, effects.Persist, before, mustPersist: true);
    }

    /// <summary>Does what the core asked: append the merged delta (without waiting for it) and send the messages.</summary>
    /// <summary>Does what the core asked: append the merged delta and send the messages. With
    /// <see cref="SimulationOptions.AckAfterDurable"/>, messages wait for the group commit of every merge appended before
    /// them: they carry acknowledgements of merged state, and a leaving peer exits on one.</summary>
    void Apply(SimNode node, Effects effects)
    {
        if (effects.Persist is { } delta)
        {
            node.Disk.Append(delta);
            ScheduleFlush(node);
        }
        var hold = _options.AckAfterDurable && node.Disk.HasPending;
        foreach (var (address, message) in effects.Messages)
        {
            if (hold)
            {
                node.Outbox.Add(new Outgoing(address, message));
            }
            else
            {
                Send(node, address, message);
            }
        }
    }

    /// <summary>Sends what waited for a group commit that has now completed.</summary>
    void SendHeld(SimNode node)
    {
        if (node.Outbox.Count == 0)
        {
            return;
        }
        var held = node.Outbox.ToArray();
        node.Outbox.Clear();
        foreach (var (address, message) in held)
        {
            Send(node, address, message);
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
