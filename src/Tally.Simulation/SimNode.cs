using Tally.Crdt;
using Tally.Replication;

namespace Tally.Simulation;

public enum NodeStatus
{
    /// <summary>Running (possibly leaving).</summary>
    Up,
    /// <summary>Crashed; its disk waits for a restart.</summary>
    Down,
    /// <summary>Left the cluster gracefully; never comes back.</summary>
    Left,
}

/// <summary>The simulator's host for one node process: what a Tally.Node process is to its <see cref="ReplicaNode"/>.
/// It owns the disk, the batch of own views waiting for their group commit, and the node's incarnation.</summary>
/// <param name="name">The node's name (<c>--id</c>); a second process with the same name (a twin) has its own
/// address and disk.</param>
public sealed class SimNode(int index, string name, string address, SimulatedDisk disk, IReadOnlyList<string> seeds)
{
    public int Index => index;
    public string Name => name;

    /// <summary>The replica id of the current disk (set at every start: a blank disk makes a new one).</summary>
    public ReplicaId Id { get; internal set; }

    public string Address => address;
    public SimulatedDisk Disk => disk;
    public IReadOnlyList<string> Seeds => seeds;

    /// <summary>The running core, or null while down or after leaving. Dropping it loses the node's memory.</summary>
    public ReplicaNode? Replica { get; internal set; }

    public NodeStatus Status { get; internal set; } = NodeStatus.Down;

    /// <summary>Bumped at every start, so ticks of an earlier process are ignored.</summary>
    public int Epoch { get; internal set; }

    public int Starts { get; internal set; }

    public long LastIncarnation { get; internal set; }

    /// <summary>Own views prepared since the last group commit: absolute own entries, applied after the flush.</summary>
    internal CounterMap? OwnBatch { get; set; }

    /// <summary>Views per video in <see cref="OwnBatch"/>, acknowledged to clients at the flush.</summary>
    internal ulong[]? OwnBatchViews { get; set; }

    /// <summary>Idempotency keys of the requests in <see cref="OwnBatch"/>: durable with it, lost with it.</summary>
    internal List<long>? OwnBatchKeys { get; set; }

    /// <summary>Messages waiting for the group commit of the merges appended before them.</summary>
    internal List<Outgoing> Outbox { get; } = [];

    /// <summary>The host was asked to leave: it takes no views, and calls BeginLeave once no own batch is pending.</summary>
    public bool LeaveRequested { get; internal set; }

    /// <summary>The node's last start was with a lost (blank) disk.</summary>
    public bool LostDisk { get; internal set; }

    /// <summary>A crash that will come back with a blank disk (if that is safe when it restarts).</summary>
    internal bool LoseDiskOnRestart { get; set; }

    /// <summary>Takes views: up and not leaving (a node with a blank disk is a new replica and takes views at once).</summary>
    public bool AcceptsViews => Status == NodeStatus.Up && Replica is { IsLeaving: false } && !LeaveRequested;

    public override string ToString() => $"{Address} ({Id}, {Status}{(LeaveRequested ? ", leaving" : "")})";
}
