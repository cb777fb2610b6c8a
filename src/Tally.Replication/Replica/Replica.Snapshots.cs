namespace Tally.Replication;

public sealed partial class Replica
{
    long _rowsSinceSnapshot;
    bool _storeSnapshotDue;
    bool _snapshotAsked;
    bool _snapshotWaiting;
    bool _snapshotRetryAtTick;
    (long Number, long Rows, long Merges)? _snapshotInFlight;
    long _snapshots;

    /// <summary>Rows appended durably since the last snapshot.</summary>
    public long RowsSinceSnapshot => _rowsSinceSnapshot;

    /// <summary>Asks for a snapshot as soon as one can start (a host stopping, so the next start replays a short log).</summary>
    public void RequestSnapshot() => _snapshotAsked = true;

    /// <summary>Reports that snapshot <paramref name="number"/> is durable: the log rows it covers are gone, and every
    /// merge it holds is durable (messages waiting for them are released).</summary>
    /// <exception cref="ArgumentException">No snapshot with that number is in flight (a host bug).</exception>
    public void SnapshotDone(long number)
    {
        var snapshot = TakeSnapshot(number);
        _snapshots++;
        _rowsSinceSnapshot = Math.Max(0, _rowsSinceSnapshot - snapshot.Rows);
        _mergesDurable = Math.Max(_mergesDurable, snapshot.Merges);
    }

    /// <summary>Reports that snapshot <paramref name="number"/> failed; it is tried again after the next tick.</summary>
    public void SnapshotFailed(long number, string reason)
    {
        _ = reason;
        TakeSnapshot(number);
        _storeSnapshotDue = true;
        _snapshotRetryAtTick = true;
    }

    (long Number, long Rows, long Merges) TakeSnapshot(long number)
    {
        if (_snapshotInFlight is not { } snapshot || snapshot.Number != number)
        {
            throw new ArgumentException($"No snapshot {number} is in flight.", nameof(number));
        }
        _snapshotInFlight = null;
        return snapshot;
    }

    /// <summary>A snapshot copies the applied state, which lacks the own batches in flight; so when one is due, new
    /// own appends wait until those in flight have ended (one fsync at most), and the snapshot then holds every
    /// record it replaces, on any store.</summary>
    void StartSnapshotIfDue()
    {
        var due = _snapshotAsked || _storeSnapshotDue ||
            _rowsSinceSnapshot >= Math.Max(_options.SnapshotRowsMin, _node.State.Count);
        if (!due || _snapshotInFlight is not null || _snapshotRetryAtTick)
        {
            return;
        }
        _snapshotWaiting = true;
        if (_ownInFlight > 0 || _open.Count > 0)
        {
            return;
        }
        _snapshotWaiting = false;
        _snapshotAsked = false;
        _storeSnapshotDue = false;
        var number = NextNumber();
        _snapshotInFlight = (number, _rowsSinceSnapshot, _merges);
        var now = NowMs;
        _snapshot = new SnapshotRequest(number, _node.State.Clone(), _keys.Enabled
            ? new KeyRetention(_keys.WindowStart(now) + 1, _options.IdempotencyKeysMax)
            : KeyRetention.None);
    }
}
