using Tally.Crdt;

namespace Tally.Replication;

/// <summary>Durable storage of one replica's map: a snapshot plus a log of deltas since it. Deltas are absolute
/// entries, so replay is a merge and a record applied twice changes nothing. A record may also carry the
/// <see cref="IdempotencyRecord"/>s of the requests whose views it holds, so a key is durable exactly when its views are.</summary>
/// <remarks>A store is a log: appends become durable in the order they were called, and it fails stop: once an
/// append fails, every append called after it fails too, until <see cref="TryRecoverAsync"/> succeeds. The node
/// relies on it: an own batch builds on the entries of the batches still in flight, so a later batch that reached the
/// disk while an earlier one failed would hold views that were refused.</remarks>
public interface IStateStore
{
    /// <summary>Loads the last snapshot and replays the log after it. Null when the store is empty (new or lost disk).
    /// Also fills <see cref="LoadedKeys"/>.</summary>
    ValueTask<CounterMap?> LoadAsync(CancellationToken ct);

    /// <summary>The request keys <see cref="LoadAsync"/> found (snapshot and log), oldest first; empty before it.</summary>
    IReadOnlyList<IdempotencyRecord> LoadedKeys { get; }

    /// <summary>Appends a delta. Completes once it is durable (or written, where durability is off); concurrent calls
    /// share one flush.</summary>
    /// <exception cref="IOException">The store cannot write now (<see cref="Unavailable"/> says why).</exception>
    ValueTask AppendAsync(CounterMap delta, CancellationToken ct) => AppendAsync(delta, [], ct);

    /// <summary>Appends a delta and the keys of the requests it counts as one record: after a crash, both are on disk
    /// or neither is. Completes as <see cref="AppendAsync(CounterMap, CancellationToken)"/>.</summary>
    ValueTask AppendAsync(CounterMap delta, IReadOnlyList<IdempotencyRecord> keys, CancellationToken ct);

    /// <summary>Replaces the snapshot with <paramref name="state"/> (which contains every delta appended before the
    /// call) and drops the log it covers, keeping the request keys <paramref name="keys"/> retains.</summary>
    ValueTask SnapshotAsync(CounterMap state, KeyRetention keys, CancellationToken ct);

    /// <summary>As <see cref="SnapshotAsync"/>, for a <paramref name="state"/> the caller made for this call and never
    /// touches again (a <see cref="SnapshotRequest"/>'s copy): a store may keep it instead of copying it. By default
    /// it is <see cref="SnapshotAsync"/>.</summary>
    ValueTask SnapshotOwnedAsync(CounterMap state, KeyRetention keys, CancellationToken ct) => SnapshotAsync(state, keys, ct);

    /// <summary>True when the store's log has grown enough that a snapshot should be written soon (replay time and
    /// disk use grow with it). Readable from any thread. A store that cannot tell says false: the replica then counts
    /// rows itself (<see cref="ReplicaOptions.SnapshotRowsMin"/>).</summary>
    bool SnapshotDue => false;

    /// <summary>Why appends fail now (disk full, I/O error), or null when the store takes them. Readable from any thread.</summary>
    string? Unavailable { get; }

    /// <summary>After a failure: makes the store consistent again (no partial record left) and checks that it can
    /// write. True when appends are taken again; false, with <see cref="Unavailable"/> updated, when not yet. Call it
    /// only while no append is in flight whose delta was built on a failed one.</summary>
    ValueTask<bool> TryRecoverAsync(CancellationToken ct);
}
