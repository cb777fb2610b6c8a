using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>What a store would hold: a snapshot plus the durable records after it, and the idempotency records they
/// carry. <see cref="Reload"/> is what a restart loads.</summary>
/// <param name="state">What the disk holds before the first start (any entries, e.g. ones no request could make).</param>
sealed class ModelDisk(CounterMap? state = null)
{
    readonly List<Append> _records = [];
    CounterMap _snapshot = state?.Clone() ?? new();
    List<IdempotencyRecord> _snapshotKeys = [];

    long _coveredBelow;

    /// <summary>A record that completes after a snapshot numbered above it is covered by that snapshot and dropped,
    /// as a store that drops "the log appended before the call" would.</summary>
    public void Write(Append append)
    {
        if (append.Number >= _coveredBelow)
        {
            _records.Add(append);
        }
    }

    /// <summary>A new process numbers its appends from 1 again.</summary>
    public void Restarted() => _coveredBelow = 0;

    /// <summary>Replaces the snapshot: the records numbered below it are dropped (it must hold them).</summary>
    public void Snapshot(SnapshotRequest request)
    {
        // As the real store does it (KeyRetention.Apply): the newest record of a key, inside the window, the newest KeysMax.
        _snapshotKeys = [.. request.Keys.Apply(_snapshotKeys.Concat(_records.Where(r => r.Number < request.Number).SelectMany(r => r.Keys)))];
        _snapshot = request.State.Clone();
        _records.RemoveAll(r => r.Number < request.Number);
        _coveredBelow = request.Number;
    }

    public CounterMap Reload()
    {
        var state = _snapshot.Clone();
        foreach (var record in _records)
        {
            state.Merge(record.Delta);
        }
        return state;
    }

    public IReadOnlyList<IdempotencyRecord> Keys() => [.. _snapshotKeys, .. _records.SelectMany(r => r.Keys)];

    public ulong Own(VideoId video, ReplicaId id) => Reload().EntryOf(video, id);
}
