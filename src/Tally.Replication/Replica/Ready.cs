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
/// <param name="Requests">View requests this append counts (own appends; for metrics).</param>
public sealed record Append(long Number, AppendKind Kind, CounterMap Delta, IReadOnlyList<IdempotencyRecord> Keys, int Requests = 0);

/// <summary>Asks the host to replace its snapshot with <see cref="State"/>, then report
/// <see cref="Replica.SnapshotDone"/> or <see cref="Replica.SnapshotFailed"/>.</summary>
/// <param name="Number">Numbered with the appends: the host starts it after every append numbered below it was handed
/// to the store and before any numbered above (then <see cref="State"/> holds every record the snapshot replaces).</param>
/// <param name="State">A copy the host owns.</param>
/// <param name="Keys">Which stored request keys the snapshot keeps (those still inside the idempotency window, at
/// most the newest <see cref="ReplicaOptions.IdempotencyKeysMax"/>); the others may be dropped with the log.</param>
public sealed record SnapshotRequest(long Number, CounterMap State, KeyRetention Keys);

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
/// <c>Ready</c>): a cluster identity to store, appends to start, messages to send now, answers to give, a snapshot to
/// write, an exit.</summary>
/// <remarks>Store <see cref="Cluster"/> first (durably, before any append of this Ready: the merges it came with are
/// among them), then execute appends (and the snapshot) in <c>Number</c> order; they may complete in any order.
/// Messages are released: whatever they acknowledge is durable already.</remarks>
/// <param name="Cluster">The cluster identity adopted or confirmed since the last Ready, or null.</param>
/// <param name="NameConflicts">The names used by more than one live replica, when that set changed (possibly empty),
/// for the host to report; else null.</param>
public sealed record Ready(
    IReadOnlyList<Append> Appends,
    IReadOnlyList<Outgoing> Messages,
    IReadOnlyList<ViewAnswer> Answers,
    SnapshotRequest? Snapshot,
    ExitRequest? Exit,
    ClusterIdentity? Cluster = null,
    IReadOnlyList<string>? NameConflicts = null)
{
    public static Ready Empty { get; } = new([], [], [], null, null);

    public bool IsEmpty => Appends.Count == 0 && Messages.Count == 0 && Answers.Count == 0 && Snapshot is null &&
        Exit is null && Cluster is null && NameConflicts is null;
}
