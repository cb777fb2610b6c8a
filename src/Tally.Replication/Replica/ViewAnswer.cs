using Tally.Crdt;

namespace Tally.Replication;

/// <summary>How a view request ended. Only <see cref="Ok"/> counted views; <see cref="Overflow"/> and
/// <see cref="Regression"/> are final refusals (409); the others counted nothing and a retry may count.</summary>
public enum ViewStatus
{
    /// <summary>Counted and durable (or replayed from the first answer of the same idempotency key).</summary>
    Ok,

    /// <summary>The replica is leaving and takes no views.</summary>
    Leaving,

    /// <summary><see cref="ReplicaOptions.ViewQueueMax"/> requests already wait.</summary>
    Busy,

    /// <summary>An entry would pass the largest value a request may reach.</summary>
    Overflow,

    /// <summary>A raise (set_to) below the current entry.</summary>
    Regression,

    /// <summary>The append holding the views failed and no later append carried them: nothing was counted. The
    /// answer's detail is the store's reason.</summary>
    StorageFailed,

    /// <summary>The host is stopping (<see cref="Replica.Stop"/>) before the request was committed.</summary>
    Stopped,

    /// <summary>The idempotency key was used for a different request.</summary>
    KeyConflict,

    /// <summary>Counted and durable here (its <see cref="ViewAnswer.Totals"/> are set, a retry with its key counts
    /// nothing), but fewer replicas than its write level acknowledged it within <see cref="ReplicaOptions.LevelTimeout"/>:
    /// indeterminate, not lost; the views keep spreading by gossip.</summary>
    Unconfirmed,

    /// <summary>The write level names more replicas than this replica counts (<see cref="ReplicaNode.LevelMembers"/>):
    /// refused before anything was counted.</summary>
    LevelUnreachable,
}

/// <summary>The answer to one submitted request.</summary>
/// <param name="Totals">Per item of the request: this replica's entry after it (set for <see cref="ViewStatus.Ok"/>).</param>
/// <param name="Counts">Per item: the video's network-wide count right after the commit was applied (Ok only). A
/// <see cref="UInt128"/>: a sum of entries.</param>
/// <param name="Added">Views this request added to this replica's entries (0 unless Ok and not replayed).</param>
/// <param name="Replayed">The answer of an earlier request with the same idempotency key: nothing was counted now.</param>
public sealed record ViewAnswer(
    ViewTicket Ticket,
    ViewStatus Status,
    string? Detail,
    IReadOnlyList<ulong> Totals,
    IReadOnlyList<UInt128> Counts,
    ulong Added,
    bool Replayed)
{
    /// <summary>True when the request's views are not counted and a retry may count them.</summary>
    public bool Refused => Status is not (ViewStatus.Ok or ViewStatus.Unconfirmed or ViewStatus.Overflow or ViewStatus.Regression or ViewStatus.KeyConflict);

    /// <summary>The state's version once the request's views were applied here (Ok): a peer that acknowledges this
    /// version of this incarnation holds them durably (its acknowledgement leaves only after its merge is durable).</summary>
    public long Version { get; init; }

    /// <summary>The replicas that held the views durably when the answer was given, this one first (Ok and
    /// <see cref="ViewStatus.Unconfirmed"/>; empty otherwise).</summary>
    public IReadOnlyList<ReplicaId> Acknowledged { get; init; } = [];

    /// <summary>The replicas the request's write level needed when it was answered (1 at <c>w=1</c>).</summary>
    public int Required { get; init; } = 1;
}
