namespace Tally.Replication;

/// <summary>Whether the replica takes views.</summary>
public enum ReplicaPhase
{
    /// <summary>Takes views.</summary>
    Serving,

    /// <summary><see cref="Replica.Leave"/> was called: views are refused; it hands its state to a live peer, then
    /// asks to exit.</summary>
    Leaving,

    /// <summary><see cref="Replica.Stop"/> was called: views are refused; commits in flight still finish.</summary>
    Stopped,
}

/// <summary>Counters of the replica's own work since start, for metrics (a copy).</summary>
public sealed record ReplicaCommitStats(
    long OwnAppends,
    long OwnAppendsFailed,
    long MergeAppends,
    long MergeAppendsFailed,
    long ViewsCounted,
    long RequestsAnswered,
    long RequestsReplayed,
    long MessagesDropped,
    long Snapshots);
