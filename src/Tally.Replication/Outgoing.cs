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
}
