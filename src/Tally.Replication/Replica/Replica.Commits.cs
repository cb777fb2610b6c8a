namespace Tally.Replication;

public sealed partial class Replica
{
    /// <summary>Own commits whose outcome is open (in flight, or failed and maybe covered by a later one), in number
    /// order. Each one's batch holds every entry of those before it.</summary>
    readonly List<OwnCommit> _open = [];

    /// <summary>Own appends in flight by number, including ones already answered through a later durable one.</summary>
    readonly Dictionary<long, OwnCommit> _ownByNumber = [];

    int _ownInFlight;
    bool _draining;
    string? _storageDown;
    string? _failure;
    long _ownAppends;
    long _ownFailed;

    /// <summary>The store says it cannot write now (<paramref name="reason"/>: disk full, I/O error): views are refused
    /// <see cref="ViewStatus.StorageFailed"/> at once, queued ones too, and no own append starts, so once those in
    /// flight have ended (<see cref="OwnAppendsInFlight"/> 0) the host may let the store recover. Merged deltas stay
    /// in memory and are appended again at each round.</summary>
    public void StorageUnavailable(string reason)
    {
        _storageDown = reason;
        RefuseQueued(ViewStatus.StorageFailed, reason);
    }

    /// <summary>The store writes again: views are taken again.</summary>
    public void StorageAvailable() => _storageDown = null;

    OwnCommit TakeOwn(long number)
    {
        if (_ownByNumber.Remove(number, out var commit))
        {
            _ownInFlight--;
            return commit;
        }
        throw new ArgumentException($"No append {number} is in flight.", nameof(number));
    }

    /// <summary>Applies the batch and answers its requests and those of every open commit it covers.</summary>
    void OwnDurable(OwnCommit commit)
    {
        // Its record is in the log even when a later one already answered its views: it counts toward a snapshot.
        _rowsSinceSnapshot += commit.Batch.Count;
        if (!commit.Resolved)
        {
            _node.ApplyOwn(commit.Batch);
            foreach (var covered in commit.Covers.Append(commit).Where(c => !c.Resolved))
            {
                covered.Resolved = true;
                _open.Remove(covered);
                foreach (var request in covered.Requests)
                {
                    Answer(request, ViewStatus.Ok, null);
                }
            }
        }
        FinishDrainIfDone();
    }

    /// <summary>A failed own append stays open: a later one built on it may still make it durable. No new own
    /// append starts until every one in flight has ended.</summary>
    void OwnFailed(OwnCommit commit, string reason)
    {
        _ownFailed++;
        if (!commit.Resolved)
        {
            _draining = true;
            _failure = reason;
        }
        FinishDrainIfDone();
    }

    /// <summary>With no own append in flight, an open commit can no longer become durable: answer its requests "not
    /// counted" and let the chain restart from the applied state (it holds none of their entries).</summary>
    void FinishDrainIfDone()
    {
        if (_ownInFlight > 0 || !_draining)
        {
            return;
        }
        foreach (var commit in _open)
        {
            commit.Resolved = true;
            foreach (var request in commit.Requests)
            {
                Refuse(request, ViewStatus.StorageFailed, _failure ?? "the append failed");
            }
        }
        _open.Clear();
        _draining = false;
        _failure = null;
    }
}
