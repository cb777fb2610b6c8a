using Tally.Crdt;

namespace Tally.Replication;

/// <summary>A message the core wants sent to <paramref name="Address"/>.</summary>
public readonly record struct Outgoing(string Address, GossipMessage Message);

/// <summary>What one step of the core asks of its host: messages to send and, after merges, the changed videos to
/// append to storage (a delta, so appending it twice is harmless).</summary>
/// <remarks>Send <see cref="Messages"/> only once <see cref="Persist"/>, and every delta appended before it, is durable.
/// Every message acknowledges what this node merged from its peers, and a leaving peer exits as soon as one peer has
/// acknowledged all its state (<see cref="ReplicaNode.LeaveComplete"/>). If that acknowledgement was sent before the
/// merge was on disk and this node then crashes, the leaver's views are gone: no peer has them and the leaver cannot
/// resend them. (The simulator found this: swarm seed 2142, and the scenario
/// <c>Cluster_LeaverHandsOffToANodeThatCrashes_KeepsItsViewsOnlyWhenAcksWaitForTheDisk</c>.) For peers that stay, an
/// early send is harmless: a restarted node has a new incarnation and they send the lost merges again.</remarks>
public sealed record Effects(IReadOnlyList<Outgoing> Messages, CounterMap? Persist)
{
    public static Effects None { get; } = new([], null);

    /// <summary>Set when this step adopted or confirmed the cluster id: the host stores it (durably) before
    /// <see cref="Persist"/>, so a disk never holds a cluster's state under another cluster's id.</summary>
    public ClusterIdentity? Cluster { get; init; }

    /// <summary>Set when the message was refused (it came from another cluster): nothing was merged and nothing is
    /// answered; the host answers the request with 409, logs and counts it.</summary>
    public GossipRefusal? Refused { get; init; }

    /// <summary>Set by <see cref="ReplicaNode.Tick"/> when the set of names used by more than one live replica
    /// changed: the new set (possibly empty), for the host to log.</summary>
    public IReadOnlyList<string>? NameConflicts { get; init; }
}
