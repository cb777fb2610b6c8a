namespace Tally.Replication;

public sealed partial class ReplicaNode
{
    /// <summary>Merges a repair slice. A complete one, answering a digest comparison, means we now hold all of the
    /// sender's state as of <see cref="GossipMessage.RepairVersion"/>: its other buckets were equal to ours.</summary>
    void TakeRepair(Peer peer, GossipMessage message)
    {
        if (message.Repair is { } repair)
        {
            Stats.RepairVideosIn += repair.Count;
            _state.Merge(repair);
        }
        if (message.RepairComplete && IsCurrent(peer, message))
        {
            peer.RecvMark = Math.Max(peer.RecvMark, message.RepairVersion);
            NoteSynced(peer);
        }
        if (message.WantBuckets is { } want)
        {
            peer.OwedRepair = (want, message.WantBucketCount, message.WantVersion);
        }
    }

    /// <summary>Answers a digest root (equal: we hold all of the sender's state at that version; different: send ours)
    /// or a whole digest (owe the sender our slices of the differing buckets and ask for theirs).</summary>
    void TakeDigest(Peer peer, GossipMessage message)
    {
        if (message.DigestBuckets is { } buckets)
        {
            var theirs = new Crdt.MapDigest(buckets);
            var ours = _state.Digest(theirs.BucketCount);
            var differing = ours.DifferingBuckets(theirs).ToArray();
            if (differing.Length == 0 && IsCurrent(peer, message))
            {
                peer.RecvMark = Math.Max(peer.RecvMark, message.DigestVersion);
                NoteSynced(peer);
            }
            peer.OwedRepair = (differing, theirs.BucketCount, _state.Version);
            peer.OwedWant = differing.Length > 0 ? (differing, theirs.BucketCount, message.DigestVersion) : null;
        }
        else if (message.DigestRoot is { } root)
        {
            if (root == _state.Digest(_options.DigestBuckets).Root)
            {
                if (!IsCurrent(peer, message))
                {
                    return;
                }
                peer.RecvMark = Math.Max(peer.RecvMark, message.DigestVersion);
                NoteSynced(peer);
            }
            else
            {
                peer.OwedDigest = true;
            }
        }
    }

    GossipMessage WithOwedRepair(Peer? peer, GossipMessage message)
    {
        if (peer is null)
        {
            return message;
        }
        if (peer.OwedRepair is var (buckets, bucketCount, version))
        {
            var complete = _state.TrySliceBuckets(buckets, bucketCount, _options.RepairVideosMax, out var slice);
            Stats.RepairVideosOut += slice.Count;
            message = message with
            {
                Repair = slice.Count > 0 ? slice : null,
                RepairBuckets = buckets,
                RepairBucketCount = bucketCount,
                RepairVersion = version,
                RepairComplete = complete,
            };
            peer.OwedRepair = null;
        }
        if (peer.OwedWant is var (want, wantCount, wantVersion))
        {
            message = message with { WantBuckets = want, WantBucketCount = wantCount, WantVersion = wantVersion };
            peer.OwedWant = null;
        }
        if (peer.OwedDigest)
        {
            message = WithDigest(message);
            peer.OwedDigest = false;
        }
        return message;
    }

    GossipMessage WithDigest(GossipMessage message)
    {
        Stats.DigestsOut++;
        var digest = _state.Digest(_options.DigestBuckets);
        return message with { DigestBuckets = digest.Buckets.ToArray(), DigestVersion = _state.Version };
    }
}
