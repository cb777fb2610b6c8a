using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary>What a view request asks of the <see cref="ViewRecorder"/>.</summary>
enum ViewKind
{
    /// <summary>Add <see cref="PendingView.Amount"/> views of one video.</summary>
    Add,

    /// <summary>Raise this node's entry for one video to <see cref="PendingView.Amount"/> (the seed's set_to).</summary>
    Raise,

    /// <summary>Add <see cref="PendingView.Items"/>, all in the same durable commit.</summary>
    Batch,
}

/// <summary>How a view request ended.</summary>
enum ViewStatus
{
    Pending,
    Ok,
    NotReady,
    Leaving,
    Busy,
    Overflow,
    Regression,
    StorageFailed,
    ShuttingDown,
}

/// <summary>One distinct video of a batch and the views to add to it.</summary>
readonly record struct BatchItem(VideoId Video, ulong Amount);

/// <summary>A view request on its way through a group commit. The recorder fills the results under the replica lock
/// and completes it once the commit is durable and applied (or failed).</summary>
sealed class PendingView
{
    readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    PendingView(ViewKind kind, VideoId video, ulong amount, BatchItem[]? items)
    {
        Kind = kind;
        Video = video;
        Amount = amount;
        Items = items;
        if (items is not null)
        {
            Totals = new ulong[items.Length];
            Counts = new UInt128[items.Length];
        }
    }

    public static PendingView Add(VideoId video, ulong amount) => new(ViewKind.Add, video, amount, null);

    public static PendingView Raise(VideoId video, ulong total) => new(ViewKind.Raise, video, total, null);

    public static PendingView Batch(BatchItem[] items) => new(ViewKind.Batch, default, 0, items);

    /// <summary>A request counted before this process started, known from its durable <see cref="IdempotencyRecord"/>:
    /// complete, with the first answer's totals (<see cref="Total"/> for a single video, <see cref="Totals"/> per video).</summary>
    public static PendingView Answered(IReadOnlyList<ulong> totals)
    {
        var view = new PendingView(ViewKind.Batch, default, 0, null) { Status = ViewStatus.Ok };
        view.Totals = [.. totals];
        view.Counts = new UInt128[totals.Count];
        view.Total = totals.Count > 0 ? totals[0] : 0;
        view._done.TrySetResult();
        return view;
    }

    public ViewKind Kind { get; }
    public VideoId Video { get; }
    public ulong Amount { get; }
    public BatchItem[]? Items { get; }

    public ViewStatus Status { get; set; }
    public string? Detail { get; set; }

    /// <summary>Results of <see cref="ViewKind.Add"/> and <see cref="ViewKind.Raise"/>: this node's entry after the
    /// request, and the video's network-wide count right after the commit.</summary>
    public ulong Total { get; set; }
    public UInt128 Count { get; set; }

    /// <summary>Results of <see cref="ViewKind.Batch"/>, per item.</summary>
    public ulong[]? Totals { get; private set; }
    public UInt128[]? Counts { get; private set; }

    /// <summary>The <c>Idempotency-Key</c> this request was taken under (without totals), or null. The recorder
    /// writes it, with the totals, in the same record as the request's views.</summary>
    public IdempotencyRecord? Key { get; set; }

    /// <summary>The durable form of <see cref="Key"/> once the request is prepared: the key with its totals.</summary>
    public IdempotencyRecord? KeyWithTotals() => Key is null ? null
        : Key with { Totals = Kind == ViewKind.Batch ? [.. Totals!] : [Total] };

    /// <summary>Views this request added to this node's entries (for metrics).</summary>
    public ulong Added { get; set; }

    public Task Completion => _done.Task;

    public PendingView Fail(ViewStatus status, string? detail = null)
    {
        Status = status;
        Detail = detail;
        return this;
    }

    public void Complete()
    {
        if (Status == ViewStatus.Pending)
        {
            Status = ViewStatus.Ok;
        }
        _done.TrySetResult();
    }
}
