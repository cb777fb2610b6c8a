using Tally.Crdt;

namespace Tally.Replication;

/// <summary>Whose entries an append holds.</summary>
public enum AppendKind
{
    /// <summary>A batch of this replica's own entries (absolute values), and the keys of the requests it counts.</summary>
    Own,

    /// <summary>What gossip merged (every entry of the changed videos).</summary>
    Merge,
}

/// <summary>A record the host appends to storage, then reports with <see cref="Replica.AppendDurable"/> or
/// <see cref="Replica.AppendFailed"/> (in any order). Entries are absolute, so a record applied twice or late changes
/// nothing. Do not change <see cref="Delta"/> or <see cref="Keys"/>: the replica keeps references.</summary>
/// <param name="Number">Unique and increasing per <see cref="Replica"/> (1, 2, ...), over appends and snapshots.</param>
public sealed record Append(long Number, AppendKind Kind, CounterMap Delta, IReadOnlyList<IdempotencyRecord> Keys);

/// <summary>Asks the host to replace its snapshot with <see cref="State"/>, then report
/// <see cref="Replica.SnapshotDone"/> or <see cref="Replica.SnapshotFailed"/>.</summary>
/// <param name="Number">Numbered with the appends: the host starts it after every append numbered below it was handed
/// to the store and before any numbered above (then <see cref="State"/> holds every record the snapshot replaces).</param>
/// <param name="State">A copy the host owns.</param>
/// <param name="KeysSinceUnixMs">Keep the stored idempotency records accepted at or after this time...</param>
/// <param name="KeysMax">... at most the newest this many; the others may be dropped with the log.</param>
public sealed record SnapshotRequest(long Number, CounterMap State, long KeysSinceUnixMs, int KeysMax);

/// <summary>Why the replica asks its host to exit.</summary>
public enum ExitReason
{
    /// <summary>A graceful leave completed: a live peer acknowledged everything.</summary>
    Left,

    /// <summary>No live peer acknowledged within <see cref="ReplicaOptions.LeaveTimeout"/>: the data stays on disk.</summary>
    LeaveTimedOut,
}

/// <summary>Asks the host to stop the process.</summary>
public sealed record ExitRequest(ExitReason Reason, string Detail);

/// <summary>What the replica asks of its host since the last <see cref="Replica.TakeReady"/> (etcd-io/raft's
/// <c>Ready</c>): appends to start, messages to send now, answers to give, a snapshot to write, an exit.</summary>
/// <remarks>Execute appends (and the snapshot) in <c>Number</c> order; they may complete in any order. Messages are
/// released: whatever they acknowledge is durable already.</remarks>
public sealed record Ready(
    IReadOnlyList<Append> Appends,
    IReadOnlyList<Outgoing> Messages,
    IReadOnlyList<ViewAnswer> Answers,
    SnapshotRequest? Snapshot,
    ExitRequest? Exit)
{
    public static Ready Empty { get; } = new([], [], [], null, null);

    public bool IsEmpty => Appends.Count == 0 && Messages.Count == 0 && Answers.Count == 0 && Snapshot is null && Exit is null;
}
