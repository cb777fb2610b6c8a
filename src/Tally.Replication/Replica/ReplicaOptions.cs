using System.ComponentModel.DataAnnotations;

namespace Tally.Replication;

/// <summary>The rules <see cref="Replica"/> applies around the gossip core: own-view commits, idempotency keys, the
/// outbox, leave and snapshots. Gossip tuning is in <see cref="ReplicationOptions"/>.</summary>
/// <remarks>Bound from the <c>Node</c> section (<see cref="SectionName"/>), so the node's configuration keys
/// (<c>Node:CommitsInFlightMax</c>, ...) and its defaults are what the simulator runs as well.</remarks>
public sealed class ReplicaOptions
{
    public const string SectionName = "Node";

    /// <summary>Own-view appends in flight at once: while one waits for its fsync the next is already queued at the
    /// store, so the disk never waits for the node. 1 makes commits strictly one after another.</summary>
    [Range(1, 64)]
    public int CommitsInFlightMax { get; set; } = 2;

    /// <summary>Most view requests folded into one own append.</summary>
    [Range(1, 1_000_000)]
    public int CommitViewsMax { get; set; } = 8192;

    /// <summary>View requests waiting for a commit slot; more are answered <see cref="ViewStatus.Busy"/>.</summary>
    [Range(1, 10_000_000)]
    public int ViewQueueMax { get; set; } = 65_536;

    /// <summary>A retry with the same idempotency key within this window (and while the key is among the
    /// <see cref="IdempotencyKeysMax"/> newest) gets the first answer and is counted once.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Keys remembered at most (oldest forgotten first); 0 turns idempotency keys off.</summary>
    [Range(0, 10_000_000)]
    public int IdempotencyKeysMax { get; set; } = 100_000;

    /// <summary>How long a leaving replica waits for a live peer to acknowledge its state before it asks to exit
    /// anyway (with a warning: its data stays on its disk).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LeaveTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Messages held in the outbox waiting for their merges to be durable; beyond it the oldest is dropped
    /// (gossip resends whatever is not acknowledged).</summary>
    [Range(1, 10_000_000)]
    public int OutboxMessagesMax { get; set; } = 10_000;

    /// <summary>How long a write above <c>w=1</c> waits for its replicas' acknowledgements before it is answered
    /// <see cref="ViewStatus.Unconfirmed"/> (the node's 504), and how long a read above <c>r=1</c> waits for its
    /// replicas' answers.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan LevelTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A snapshot is due once the rows appended since the last one reach the larger of this and the number
    /// of videos in the state (so snapshots cost O(1) amortized per row), or when the store says so.</summary>
    [Range(1, int.MaxValue)]
    public int SnapshotRowsMin { get; set; } = 10_000;
}
