namespace Tally.Simulation;

/// <summary>Counters of one run.</summary>
public sealed class ClusterStats
{
    /// <summary>Messages the nodes asked to send.</summary>
    public long MessagesSent { get; internal set; }

    /// <summary>Encoded bytes of the sent messages (each counted once, however many copies arrive); 0 with
    /// <see cref="WireMode.Off"/>.</summary>
    public long BytesSent { get; internal set; }

    /// <summary>Messages handed to a running node's <c>Receive</c>.</summary>
    public long MessagesDelivered { get; internal set; }

    /// <summary>Messages that arrived at a node that was down or gone.</summary>
    public long MessagesToDownNodes { get; internal set; }

    public long ViewsAccepted { get; internal set; }
    public long ViewsRefused { get; internal set; }

    /// <summary>Operator raises (set_to) taken and refused (node not taking views, or past the number limits).</summary>
    public long RaisesAccepted { get; internal set; }
    public long RaisesRefused { get; internal set; }

    /// <summary>Client retries after a restart (same idempotency key, same node), and those answered from a stored
    /// key without counting.</summary>
    public long ViewsRetried { get; internal set; }
    public long ViewsReplayed { get; internal set; }
    public long Crashes { get; internal set; }

    /// <summary>The most own appends a replica had in flight at once (the node's commit pipeline: up to
    /// <see cref="Replication.ReplicaOptions.CommitsInFlightMax"/>), and the own appends that became durable while an own
    /// append numbered below them was still in flight (out of order).</summary>
    public int OwnAppendsInFlightMax { get; internal set; }
    public long OwnAppendsOutOfOrder { get; internal set; }

    /// <summary>Appends and snapshots the simulated disk failed (<see cref="SimulationOptions.DiskFailureRate"/>).</summary>
    public long DiskFailures { get; internal set; }
    public long DiskLosses { get; internal set; }

    /// <summary>Appends and snapshots a crash left written but unreported (<see cref="SimulationOptions.CrashWrittenRate"/>),
    /// and the views they made durable that no client was answered for (counted all the same).</summary>
    public long WrittenUnreported { get; internal set; }
    public long ViewsWrittenUnanswered { get; internal set; }

    /// <summary>Client retries of such requests, answered from the key stored with their views (nothing counted again).</summary>
    public long RetriesOfWrittenUnreported { get; internal set; }

    /// <summary>Second processes started with the name of a running node (a copied configuration).</summary>
    public long Twins { get; internal set; }

    /// <summary>Client views sent above w=1; of those answered, the ones that met their level (200) and the ones
    /// answered unconfirmed (the node's 504: counted, not confirmed in time, or the node died while they waited).</summary>
    public long LevelWrites { get; internal set; }
    public long LevelWritesConfirmed { get; internal set; }
    public long LevelWritesUnconfirmed { get; internal set; }

    /// <summary>Majority reads, those that reached a majority (checked against the majority writes before them), and
    /// those that did not (the node's 504).</summary>
    public long MajorityReads { get; internal set; }
    public long MajorityReadsAnswered { get; internal set; }
    public long MajorityReadsTimedOut { get; internal set; }

    public long Joins { get; internal set; }
    public long Leaves { get; internal set; }
}
