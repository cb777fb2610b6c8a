using Tally.Crdt;
using Tally.Replication;

namespace Tally.Simulation;

public enum NodeStatus
{
    /// <summary>Running (possibly leaving).</summary>
    Up,
    /// <summary>Crashed (or stopped after a leave that timed out); its disk waits for a restart.</summary>
    Down,
    /// <summary>Left the cluster gracefully; never comes back.</summary>
    Left,
}

/// <summary>The simulator's host for one node process: what a Tally.Node process is to its <see cref="Replication.Replica"/>.
/// It owns the disk and the node's incarnation, and remembers which client request each view ticket answers; every
/// rule is the replica's.</summary>
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

    /// <summary>The running replica, or null while down or after leaving. Dropping it loses the node's memory.</summary>
    public Replica? Replica { get; internal set; }

    /// <summary>The gossip core inside <see cref="Replica"/>, for the checkers and tests to inspect (never to drive).</summary>
    public ReplicaNode? Core { get; internal set; }

    public NodeStatus Status { get; internal set; } = NodeStatus.Down;

    /// <summary>Bumped at every start, so ticks of an earlier process are ignored.</summary>
    public int Epoch { get; internal set; }

    public int Starts { get; internal set; }

    public long LastIncarnation { get; internal set; }

    /// <summary>The client request each view ticket of this process answers.</summary>
    internal Dictionary<ViewTicket, ClientRequest> Waiting { get; } = [];

    /// <summary>The node's last start was with a lost (blank) disk.</summary>
    public bool LostDisk { get; internal set; }

    /// <summary>A crash that will come back with a blank disk (if that is safe when it restarts).</summary>
    internal bool LoseDiskOnRestart { get; set; }

    /// <summary>Asked to leave and still running.</summary>
    public bool Leaving => Replica is { Phase: ReplicaPhase.Leaving };

    /// <summary>Takes views: up and serving (a node with a blank disk is a new replica and takes views at once).</summary>
    public bool AcceptsViews => Replica is { Phase: ReplicaPhase.Serving };

    /// <summary>Nothing of this process is between the replica and its disk: no request waits, no append is open.</summary>
    public bool Settled => Replica is not { } r || r.QueuedRequests == 0 && r.OwnAppendsInFlight == 0 && Waiting.Count == 0;

    public override string ToString() => $"{Address} ({Id}, {Status}{(Leaving ? ", leaving" : "")})";
}

/// <summary>A client's request as the simulator tracks it: the video, the views (or the total of a raise) and the
/// idempotency key.</summary>
internal readonly record struct ClientRequest(int Video, ulong Amount, long Key, bool Raise = false, ConsistencyLevel Level = default);
