using Tally.Crdt;

namespace Tally.Replication;

/// <summary>What a view request asks of the <see cref="Replica"/>.</summary>
public enum ViewKind
{
    /// <summary>Add each item's amount of views to this replica's entry.</summary>
    Add,

    /// <summary>Raise this replica's entry for the (single) item's video to the item's amount (the seed's set_to).</summary>
    Raise,

    /// <summary>Add every item, all in the same durable commit: all or nothing.</summary>
    Batch,
}

/// <summary>One video of a request and its amount: views to add, or the total to raise to.</summary>
public readonly record struct ViewItem(VideoId Video, ulong Amount);

/// <summary>Names one submitted request; its <see cref="ViewAnswer"/> carries the same ticket.</summary>
public readonly record struct ViewTicket(long Value);

/// <summary>A view request for <see cref="Replica.Submit"/>. The host validates the shape (ids, amounts 1..the API's
/// maximum, key syntax) and answers bad input itself; the replica decides everything else.</summary>
/// <param name="IdempotencyKey">Optional client key (<see cref="IdempotencyRecord.IsValidKey"/>): a retry with the
/// same key and the same request gets the first answer and counts nothing.</param>
public sealed record ViewRequest(ViewKind Kind, IReadOnlyList<ViewItem> Items, string? IdempotencyKey = null)
{
    /// <summary>The write level: the answer waits until this many replicas (this one included) hold the views durably
    /// (<see cref="ViewAnswer.Acknowledged"/>), or gives <see cref="ViewStatus.Unconfirmed"/> after
    /// <see cref="ReplicaOptions.LevelTimeout"/>. Not part of the request's fingerprint: a retry may ask another level.</summary>
    public ConsistencyLevel Write { get; init; } = ConsistencyLevel.One;

    public static ViewRequest Add(VideoId video, ulong amount, string? key = null) => new(ViewKind.Add, [new(video, amount)], key);

    public static ViewRequest Raise(VideoId video, ulong total, string? key = null) => new(ViewKind.Raise, [new(video, total)], key);

    public static ViewRequest Batch(IReadOnlyList<ViewItem> items, string? key = null) => new(ViewKind.Batch, items, key);
}
