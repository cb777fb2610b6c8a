using Tally.Crdt;

namespace Tally.Replication;

public sealed partial class Replica
{
    /// <summary>Messages waiting for the merges made before them: (merges made when it was produced, message).</summary>
    readonly Queue<(long Merges, Outgoing Message)> _outbox = new();

    /// <summary>Merges made so far (steps whose merge changed the state) and how many of them are durable.</summary>
    long _merges;
    long _mergesDurable;

    /// <summary>Merged deltas not yet handed out, folded into one, and the merge count they reach.</summary>
    CounterMap? _mergeWaiting;
    long _mergeWaitingUpTo;
    MergeAppend? _mergeInFlight;
    bool _mergeRetryAtTick;
    long _mergeAppends;
    long _mergeFailed;
    long _messagesDropped;
    (ulong Root, long Version, long At)? _digest;

    sealed record MergeAppend(Append Append, long UpTo);

    /// <summary>One gossip round (every <see cref="ReplicationOptions.GossipInterval"/>): pushes to peers (held until
    /// the merges before them are durable), a retry of a failed merge append or snapshot, the leave timeout.</summary>
    public void Tick()
    {
        var effects = _node.Tick();
        if (effects.NameConflicts is { } names)
        {
            _nameConflicts = names;
        }
        Hold(effects);
        _mergeRetryAtTick = false;
        _snapshotRetryAtTick = false;
        _levelPushed.Clear(); // a push for a waiting write that got no answer is made again
        CheckLeaveTimeout();
    }

    /// <summary>Takes in one gossip message: merges it in memory, appends what changed, and holds the answer until
    /// that append (and every merge before it) is durable.</summary>
    /// <returns>Null, or why the message was refused (it came from another cluster; nothing was merged): the host
    /// answers the request with it.</returns>
    public GossipRefusal? Receive(GossipMessage message)
    {
        var effects = _node.Receive(message);
        if (effects.Refused is { } refused)
        {
            return refused;
        }
        if (effects.Cluster is { } cluster)
        {
            _cluster = cluster; // stored by the host before the merge append of this step
        }
        if (effects.Persist is { } delta)
        {
            TakeMerged(delta);
        }
        Hold(effects);
        return null;
    }

    /// <summary>A merge changed the state: append the change (messages made from now on wait for that append).</summary>
    void TakeMerged(CounterMap delta)
    {
        _merges++;
        Fold(delta);
        _mergeWaitingUpTo = _merges;
    }

    /// <summary>The root of the state's digest and the version it stands for. A pass over every video, so while the
    /// state keeps changing it is recomputed at most once per <see cref="ReplicationOptions.GossipInterval"/>.</summary>
    public (ulong Root, long Version) Digest(int buckets, TimeSpan maxAge)
    {
        var now = _time.GetTimestamp();
        var state = _node.State;
        if (_digest is not { } cached || cached.Version != state.Version && _time.GetElapsedTime(cached.At, now) >= maxAge)
        {
            _digest = (state.Digest(buckets).Root, state.Version, now);
        }
        return (_digest.Value.Root, _digest.Value.Version);
    }

    void Hold(Effects effects)
    {
        foreach (var message in effects.Messages)
        {
            if (_outbox.Count >= _options.OutboxMessagesMax)
            {
                _outbox.Dequeue(); // the oldest: gossip resends what is not acknowledged
                _messagesDropped++;
            }
            _outbox.Enqueue((_merges, message));
        }
    }

    void Fold(CounterMap delta)
    {
        if (_mergeWaiting is null)
        {
            _mergeWaiting = delta;
            return;
        }
        _mergeWaiting.Merge(delta);
    }

    /// <summary>One merge append at a time; merges made meanwhile wait and go together in the next.</summary>
    void StartMergeAppend()
    {
        if (_mergeInFlight is not null || _mergeWaiting is null || _mergeRetryAtTick)
        {
            return;
        }
        var append = new Append(NextNumber(), AppendKind.Merge, _mergeWaiting, []);
        _mergeInFlight = new MergeAppend(append, _mergeWaitingUpTo);
        _mergeWaiting = null;
        _mergeAppends++;
        _appends.Add(append);
    }

    void MergeDurable(MergeAppend merge)
    {
        _mergeInFlight = null;
        _mergesDurable = Math.Max(_mergesDurable, merge.UpTo);
        _rowsSinceSnapshot += merge.Append.Delta.Count;
    }

    /// <summary>The merged state is in memory, so it is appended again (from the next round on, so a failing disk is
    /// not retried in a tight loop); the messages after it stay held until then.</summary>
    void MergeFailed(MergeAppend merge)
    {
        _mergeInFlight = null;
        _mergeFailed++;
        var again = merge.Append.Delta.Clone();
        if (_mergeWaiting is not null)
        {
            again.Merge(_mergeWaiting);
        }
        _mergeWaiting = again;
        _mergeWaitingUpTo = Math.Max(_mergeWaitingUpTo, merge.UpTo);
        _mergeRetryAtTick = true;
    }

    /// <summary>Releases, in order, every held message whose merges are durable.</summary>
    void Release()
    {
        while (_outbox.TryPeek(out var held) && held.Merges <= _mergesDurable)
        {
            _released.Add(_outbox.Dequeue().Message);
        }
    }
}
