using Tally.Crdt;

namespace Tally.Replication;

/// <summary>What nodes gossip about a member. Records of one member merge by (incarnation, heartbeat, left): a
/// restart raises the incarnation, each round raises the heartbeat, and having left is final for an incarnation.</summary>
/// <param name="Address">Where the member listens, e.g. <c>http://node2:8001</c> or a simulator name.</param>
/// <param name="Incarnation">Chosen at each start; greater than any earlier start's.</param>
public sealed record MemberRecord(ReplicaId Id, string Address, long Incarnation, long Heartbeat, bool Left)
{
    /// <summary>True when this record carries newer information than <paramref name="other"/>.</summary>
    public bool Supersedes(MemberRecord other) =>
        Incarnation != other.Incarnation ? Incarnation > other.Incarnation
        : Left != other.Left ? Left
        : Heartbeat > other.Heartbeat;
}
