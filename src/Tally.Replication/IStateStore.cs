using Tally.Crdt;

namespace Tally.Replication;

/// <summary>Durable storage of one replica's map: a snapshot plus a log of deltas since it. Deltas are absolute
/// entries, so replay is a merge and a record applied twice changes nothing.</summary>
public interface IStateStore
{
    /// <summary>Loads the last snapshot and replays the log after it. Null when the store is empty (new or lost disk).</summary>
    ValueTask<CounterMap?> LoadAsync(CancellationToken ct);

    /// <summary>Appends a delta. Completes once it is durable (or written, where durability is off); concurrent calls
    /// share one flush.</summary>
    ValueTask AppendAsync(CounterMap delta, CancellationToken ct);

    /// <summary>Replaces the snapshot with <paramref name="state"/> (which contains every delta appended before the
    /// call) and drops the log it covers.</summary>
    ValueTask SnapshotAsync(CounterMap state, CancellationToken ct);
}
