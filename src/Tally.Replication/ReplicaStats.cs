namespace Tally.Replication;

/// <summary>Counters of the core's work since start, for metrics. Mutated only under the owner's lock.</summary>
public sealed class ReplicaStats
{
    public long Rounds { get; internal set; }
    public long MessagesOut { get; internal set; }
    public long MessagesIn { get; internal set; }
    public long DeltaVideosOut { get; internal set; }
    public long DeltaVideosIn { get; internal set; }
    public long RepairVideosOut { get; internal set; }
    public long RepairVideosIn { get; internal set; }
    public long DigestsOut { get; internal set; }
    public long VideosChangedByMerge { get; internal set; }

    /// <summary>Messages refused because they came from another cluster (never merged).</summary>
    public long RefusedForeignCluster { get; internal set; }

    public ReplicaStats Copy() => (ReplicaStats)MemberwiseClone();
}
