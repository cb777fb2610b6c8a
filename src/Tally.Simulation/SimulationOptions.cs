using System.ComponentModel.DataAnnotations;
using Tally.Replication;

namespace Tally.Simulation;

/// <summary>How the simulator encodes messages: <see cref="Off"/> passes the objects and counts no bytes,
/// <see cref="Size"/> encodes every message with <see cref="GossipCodec"/> to count its bytes, <see cref="Full"/>
/// also decodes it and delivers the decoded copy, proving the wire format in the loop.</summary>
public enum WireMode
{
    Off,
    Size,
    Full,
}

/// <summary>One simulation run: the cluster, its load, its network and its faults. Everything random is drawn from
/// <see cref="Seed"/>. Rounds are gossip intervals.</summary>
public sealed class SimulationOptions
{
    /// <summary>Clients retry their recent requests, with the same idempotency key, to a node that restarted with
    /// its disk (acknowledged and unanswered ones alike); the exact-sum checker then proves no retry counts twice.</summary>
    public bool ClientRetries { get; set; } = true;

    public int Seed { get; set; } = 1;

    [Range(1, 20_000)]
    public int Nodes { get; set; } = 5;

    [Range(1, 10_000_000)]
    public int Videos { get; set; } = 3;

    /// <summary>Views sent by clients during the active phase (spread evenly over it; all at once when
    /// <see cref="Rounds"/> is 0: a burst).</summary>
    [Range(0, 1_000_000_000)]
    public long Views { get; set; } = 1000;

    /// <summary>Rounds before the active phase, so membership settles; null picks 0 for up to 16 nodes and
    /// 2 log2(N) + 10 above.</summary>
    [Range(0, 100_000)]
    public int? WarmupRounds { get; set; }

    /// <summary>Rounds of load and faults (the active phase). At its end every fault heals and the views stop.</summary>
    [Range(0, 100_000)]
    public int Rounds { get; set; } = 20;

    /// <summary>Rounds after the heal within which every up node must count exactly the acknowledged views.</summary>
    [Range(1, 100_000)]
    public int ConvergeRoundsMax { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 64)]
    public int Fanout { get; set; } = 1;

    public LatencyModel Latency { get; set; } = LatencyModel.Default;

    [Range(0.0, 0.95)]
    public double Loss { get; set; }

    [Range(0.0, 1.0)]
    public double Duplication { get; set; }

    [Range(0.0, 1.0)]
    public double Reorder { get; set; }

    /// <summary>Typical time from an append to its completion (durable or failed). Each append draws its own latency
    /// from 0.5 to 1.5 times this, so appends in flight complete out of order, as a real store's can.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan DiskLatency { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Fraction of appends and snapshots that fail (nothing of them reaches the disk): the replica answers
    /// the views in them 503 unless a later append carries them, and appends failed merges again.</summary>
    [Range(0.0, 0.5)]
    public double DiskFailureRate { get; set; }

    /// <summary>Fraction of the appends and snapshots in flight at a crash that reached the disk anyway: durable, but
    /// the crash came before their completion was reported to the replica (a crash between "written" and
    /// "reported"). Their views are counted although no client got an answer; a retry with the same key must find the
    /// key stored with them and count nothing.</summary>
    [Range(0.0, 1.0)]
    public double CrashWrittenRate { get; set; }

    /// <summary>Probability per node per round of a crash during the active phase (memory lost, disk kept).</summary>
    [Range(0.0, 1.0)]
    public double CrashRate { get; set; }

    /// <summary>Fraction of crashes that also lose the disk. The node then restarts blank with the same name, as a new
    /// replica, whatever its peers hold (its old replica's entries stay counted wherever they reached).</summary>
    [Range(0.0, 1.0)]
    public double DiskLossRate { get; set; }

    /// <summary>Rounds a crashed node stays down (drawn uniformly from 1 to this; at most until the heal).</summary>
    [Range(1, 10_000)]
    public int DowntimeRoundsMax { get; set; } = 5;

    /// <summary>Operator raises (set_to) at random times, nodes and videos in the active phase, each to the edge of the
    /// number domain (<see cref="Tally.Crdt.GCounter.SetMax"/> less up to twice <see cref="Views"/>), so raises on
    /// different sides of a partition add up and views keep counting on top of them (docs/architecture.md,
    /// "Numbers"). A raise the node refuses (409) acknowledges nothing.</summary>
    [Range(0, 1000)]
    public int Raises { get; set; }

    /// <summary>Nodes that join (blank disk, seeds only) at random times in the active phase.</summary>
    [Range(0, 1000)]
    public int Joins { get; set; }

    /// <summary>Nodes that leave gracefully at random times in the active phase (at least two stay).</summary>
    [Range(0, 1000)]
    public int Leaves { get; set; }

    /// <summary>Scripted faults (partitions, crashes, disk losses, joins, leaves); see <see cref="FaultSchedule"/>.</summary>
    public FaultSchedule Schedule { get; set; } = FaultSchedule.Empty;

    /// <summary>Seed nodes each node is configured with (the first ones of the cluster).</summary>
    [Range(1, 64)]
    public int SeedNodes { get; set; } = 3;

    public WireMode Wire { get; set; } = WireMode.Size;

    /// <summary>Rounds after which a silent member is suspect and down; null scales them with the cluster, since
    /// heartbeats travel in samples of <see cref="ReplicationOptions.MemberSampleMax"/> records.</summary>
    [Range(1, 100_000)]
    public int? SuspectRounds { get; set; }

    [Range(1, 100_000)]
    public int? DownRounds { get; set; }

    /// <summary>Share of client views sent above w=1 (each drawn among 2, majority and all); every view acknowledged
    /// at majority is followed by a majority read of its video at another node, checked to include it.</summary>
    [Range(0.0, 1.0)]
    public double LevelWrites { get; set; }

    /// <summary>Second processes started with the name of a running node, at random times of the active phase; they run
    /// to the end.</summary>
    [Range(0, 1000)]
    public int Twins { get; set; }

    /// <summary>Every node is configured with the cluster id (as <c>tally up</c> does). False: n1 has no peers and
    /// makes the id at its first start, the others adopt it (a cluster started by hand).</summary>
    public bool ClusterIdGiven { get; set; }

    /// <summary>True when <see cref="Tally.Simulation.Swarm.Draw"/> chose these options from the seed (the rerun hint then
    /// says <c>--swarm</c>).</summary>
    public bool Swarm { get; set; }

    /// <summary>The replica's own rules, with the node's defaults (<see cref="ReplicaOptions"/>: two own commits in
    /// flight, the same limits), so what is simulated is what ships.</summary>
    public ReplicaOptions Replica { get; set; } = new();

    /// <summary>Overrides of the core's limits, to force repairs in slices with few videos.</summary>
    [Range(1, 10_000_000)]
    public int? DeltaVideosMax { get; set; }

    [Range(1, 10_000_000)]
    public int? RepairVideosMax { get; set; }

    /// <summary>Record per-node counts every round (for the CSV and the plot).</summary>
    public bool Sample { get; set; } = true;

    public int EffectiveWarmupRounds => WarmupRounds ?? (Nodes <= 16 ? 0 : (int)Math.Ceiling(2 * Math.Log2(Nodes)) + 10);

    /// <summary>The core's options for this run.</summary>
    public ReplicationOptions Replication()
    {
        var suspect = SuspectRounds ?? Math.Max(4, Nodes / 4);
        var down = DownRounds ?? Math.Max(10, Nodes / 2);
        return new ReplicationOptions
        {
            GossipInterval = Interval,
            Fanout = Fanout,
            SuspectAfter = Interval * suspect,
            DownAfter = Interval * Math.Max(down, suspect + 1),
            DeltaVideosMax = DeltaVideosMax ?? 20_000,
            RepairVideosMax = RepairVideosMax ?? 50_000,
        };
    }

    public NetworkConditions Network() => new()
    {
        Latency = Latency,
        Loss = Loss,
        Duplication = Duplication,
        Reorder = Reorder,
        ReorderDelayMax = Interval / 2,
    };

    /// <summary>Checks the ranges; returns the errors (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        var errors = results.Select(r => r.ErrorMessage ?? "invalid option").ToList();
        errors.AddRange(Schedule.Validate(Nodes + Joins + Twins));
        return errors;
    }
}
