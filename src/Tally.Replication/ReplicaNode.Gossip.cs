namespace Tally.Replication;

public sealed partial class ReplicaNode
{
    /// <summary>One gossip round: raise our heartbeat and push to the chosen peers. Every
    /// <see cref="ReplicationOptions.AntiEntropyRounds"/> rounds the pushes also carry our digest root.</summary>
    public Effects Tick()
    {
        Round++;
        Stats.Rounds++;
        _self = _self with { Heartbeat = _self.Heartbeat + 1 };
        var conflicts = UpdateNameConflicts();
        var seeds = ChooseTargets(out var peers);
        var antiEntropy = Round % _options.AntiEntropyRounds == 0;
        var messages = new List<Outgoing>(peers.Count + seeds.Count);
        foreach (var peer in peers)
        {
            messages.Add(new(peer.Record.Address, Build(peer, GossipKind.Push, antiEntropy, answering: false)));
        }
        foreach (var seed in seeds)
        {
            messages.Add(new(seed, Build(null, GossipKind.Push, includeRoot: false, answering: false)));
        }
        Stats.MessagesOut += messages.Count;
        return new Effects(messages, null) { NameConflicts = conflicts };
    }

    /// <summary>Handles one message: learn about members, take acknowledgements, merge deltas and repairs, answer
    /// digests. A push is answered with a reply; a reply is followed by a push only while a repair is owed. A message
    /// of another cluster is refused (<see cref="Effects.Refused"/>) before anything in it is looked at.</summary>
    public Effects Receive(GossipMessage message)
    {
        Stats.MessagesIn++;
        if (AdmitCluster(message.Sender.Id, new ClusterIdentity(message.ClusterId, message.ClusterProvisional), out var clusterChanged) is { } refusal)
        {
            return Effects.None with { Refused = refusal };
        }
        var peer = Learn(message.Sender, direct: true);
        if (peer is null)
        {
            return Effects.None; // a message from ourselves: a misconfigured seed list
        }
        foreach (var record in message.Members)
        {
            if (record.Id != message.Sender.Id)
            {
                Learn(record, direct: false);
            }
        }
        peer.MembersHash = message.MembersHash;
        if (message.AckIncarnation == _self.Incarnation)
        {
            peer.SentAck = Math.Clamp(message.AckVersion, peer.SentAck, _state.Version);
            peer.Acknowledged(_state.Version);
        }

        var mark = _state.Version;
        // The peer holds all of our state and sends part of its own: after the merge it still holds all of ours, so
        // what this message changes here is not sent back to it (during a bulk load, every video would be). Only our
        // knowledge moves: its mark of us (our SentAck) moves when it says so, or a delta from there could not move it.
        var peerHoldsAll = (peer.SentAck == mark || peer.HeldAllAt == mark) && IsCurrent(peer, message);
        TakeDelta(peer, message);
        TakeRepair(peer, message);
        if (peerHoldsAll)
        {
            peer.HeldAllAt = _state.Version;
            peer.EntryBase = Math.Max(peer.EntryBase, _state.Version);
        }
        TakeDigest(peer, message);
        var changed = _state.Version > mark && _state.TryGetDeltaSince(mark, int.MaxValue, out var delta) ? delta : null;
        Stats.VideosChangedByMerge += changed?.Count ?? 0;

        // A reply is followed by a push while work is owed: a repair, the next part of our backlog once the peer
        // acknowledged the last, or the acknowledgement of the peer's part when it has more to send.
        var more = peer.HasOwedWork || peer.DeltaContinues || message.DeltaMore && IsCurrent(peer, message);
        var kind = message.Kind == GossipKind.Push ? GossipKind.Reply : more ? GossipKind.Push : (GossipKind?)null;
        ClusterIdentity? cluster = clusterChanged ? _cluster : null;
        if (kind is null)
        {
            return changed is null && cluster is null ? Effects.None : new Effects([], changed) { Cluster = cluster };
        }
        Stats.MessagesOut++;
        return new Effects([new(peer.Record.Address, Build(peer, kind.Value, includeRoot: false, answering: true))], changed) { Cluster = cluster };
    }

    void TakeDelta(Peer peer, GossipMessage message)
    {
        if (message.Delta is { } delta)
        {
            Stats.DeltaVideosIn += delta.Count;
            _state.Merge(delta);
        }
        if (message.HasDelta && message.DeltaBase <= peer.RecvMark && IsCurrent(peer, message))
        {
            peer.RecvMark = Math.Max(peer.RecvMark, message.DeltaUpTo);
            NoteSynced(peer);
        }
    }

    /// <summary>Versions in a message count only within the incarnation we know: a delayed message from before a
    /// restart still merges (that is always safe) but moves no mark.</summary>
    static bool IsCurrent(Peer peer, GossipMessage message) => message.Sender.Incarnation == peer.Record.Incarnation;

    /// <summary>Builds the message for <paramref name="peer"/> (or for a seed whose id we do not know yet);
    /// <paramref name="answering"/> when it answers a message just received from the peer.</summary>
    GossipMessage Build(Peer? peer, GossipKind kind, bool includeRoot, bool answering)
    {
        var (members, complete) = MembersFor(peer, answering);
        var message = new GossipMessage
        {
            Kind = kind,
            Sender = _self,
            ClusterId = _cluster.Id,
            ClusterProvisional = _cluster.Provisional,
            AckIncarnation = peer?.Record.Incarnation ?? 0,
            AckVersion = peer?.RecvMark ?? 0,
            MembersHash = _membersHash,
            Members = members,
            MembersComplete = complete,
        };
        message = WithOwedRepair(peer, message);
        message = WithDelta(peer, message);
        // The root only means something when the peer has acknowledged all our changes: then equal roots prove it
        // holds our whole state, and different roots reveal a divergence the acknowledgements missed.
        if (includeRoot && message.DigestBuckets is null && message.HasDelta && message.Delta is null)
        {
            message = message with { DigestRoot = _state.Digest(_options.DigestBuckets).Root, DigestVersion = _state.Version };
        }
        return message;
    }

    /// <summary>Adds our changes the peer has not acknowledged. A delta already in flight is not repeated: only changes
    /// after it go, when they fit in one delta (they are merged at once; the mark moves when the first arrived). A
    /// backlog larger than <see cref="ReplicationOptions.DeltaVideosMax"/> goes oldest first, one part per
    /// acknowledgement, unless the peer may hold much of it already (see <see cref="Peer.MetAtVersion"/>): then
    /// digests find what differs.</summary>
    GossipMessage WithDelta(Peer? peer, GossipMessage message)
    {
        var since = peer?.SentAck ?? 0;
        var now = _time.GetUtcNow();
        var held = Math.Max(since, peer?.HeldAllAt ?? 0); // what the peer holds: the delta's content starts here
        if (peer is not null && peer.DeltaSentUpTo > since && now - peer.DeltaSentAt < _options.GossipInterval / 2)
        {
            var from = peer.DeltaSentUpTo;
            var content = Math.Max(from, held);
            if (_state.Version > content && _state.TryGetDeltaSince(content, _options.DeltaVideosMax, Math.Min(peer.EntryBase, content), out var after))
            {
                Stats.DeltaVideosOut += after.Count;
                Sent(peer, _state.Version, partial: false, now);
                return message with { HasDelta = true, DeltaBase = from, DeltaUpTo = _state.Version, Delta = after };
            }
            return message;
        }
        if (peer is not null)
        {
            peer.DeltaSentPartial = false; // set again below when this delta leaves a backlog
        }
        if (_state.Version == held)
        {
            return message with { HasDelta = true, DeltaBase = since, DeltaUpTo = held };
        }
        var entries = Math.Min(peer?.EntryBase ?? 0, held);
        if (_state.TryGetDeltaSince(held, _options.DeltaVideosMax, entries, out var delta))
        {
            Stats.DeltaVideosOut += delta.Count;
            Sent(peer, _state.Version, partial: false, now);
            return message with { HasDelta = true, DeltaBase = since, DeltaUpTo = _state.Version, Delta = delta.Count > 0 ? delta : null };
        }
        if (peer is not null && held >= peer.MetAtVersion)
        {
            var complete = _state.TryGetOldestChangesSince(held, _options.DeltaVideosMax, entries, out var oldest, out var upTo);
            Stats.DeltaVideosOut += oldest.Count;
            Sent(peer, upTo, partial: !complete, now);
            return message with { HasDelta = true, DeltaBase = since, DeltaUpTo = upTo, Delta = oldest, DeltaMore = !complete };
        }
        return message.DigestBuckets is null && message.Repair is null ? WithDigest(message) : message;
    }

    static void Sent(Peer? peer, long upTo, bool partial, DateTimeOffset now)
    {
        if (peer is null)
        {
            return;
        }
        (peer.DeltaSentUpTo, peer.DeltaSentPartial, peer.DeltaSentAt) = (upTo, partial, now);
        if (!partial)
        {
            peer.EntryCandidate = upTo;
        }
        else if (upTo >= peer.EntryCandidate)
        {
            peer.EntryCandidate = 0;
        }
    }
}
