using Tally.Crdt;

namespace Tally.Replication;

/// <summary>Whether a message expects an answer. A push is answered by one reply (push-pull); a reply is not.</summary>
public enum GossipKind : byte
{
    Push = 1,
    Reply = 2,
}

/// <summary>One node-to-node message. Every part is optional except the sender's identity, and every part is
/// idempotent: a message may be lost, duplicated or reordered and the receiver still ends in a correct state.</summary>
/// <remarks>
/// Versions are the sender's <see cref="CounterMap.Version"/> within its incarnation. The parts:
/// <list type="bullet">
/// <item>Ack: "I have all your changes up to <see cref="AckVersion"/> of your incarnation <see cref="AckIncarnation"/>".</item>
/// <item>Delta: the sender's videos changed in (<see cref="DeltaBase"/>, <see cref="DeltaUpTo"/>].</item>
/// <item>Digest: the sender's bucket hashes at <see cref="DigestVersion"/>, asking the receiver to repair the
/// differing buckets both ways; <see cref="DigestRoot"/> alone only asks "do we differ?".</item>
/// <item>Repair: the sender's videos in <see cref="RepairBuckets"/>; when <see cref="RepairComplete"/>, the receiver
/// then holds all of the sender's state as of <see cref="RepairVersion"/>.</item>
/// <item>Want: buckets whose videos the sender asks for, answering the receiver's digest of
/// <see cref="WantVersion"/>.</item>
/// <item>Members: the sender's own record, a sample of others (heartbeats) and, when the membership hashes differ,
/// the whole table.</item>
/// </list>
/// </remarks>
public sealed record GossipMessage
{
    public required GossipKind Kind { get; init; }
    public required MemberRecord Sender { get; init; }

    /// <summary>The sender's cluster, or null while it has none (a new node with peers that has not heard from its
    /// cluster yet). A node refuses a message of another cluster.</summary>
    public ClusterId? ClusterId { get; init; }

    /// <summary>The sender's <see cref="ClusterId"/> was made by a node alone and may still give way (see
    /// <see cref="ClusterIdentity"/>).</summary>
    public bool ClusterProvisional { get; init; }

    public long AckIncarnation { get; init; }
    public long AckVersion { get; init; }

    /// <summary>True when the message carries the sender's changes in (DeltaBase, DeltaUpTo], even if there were none.</summary>
    public bool HasDelta { get; init; }
    public long DeltaBase { get; init; }
    public long DeltaUpTo { get; init; }
    public CounterMap? Delta { get; init; }

    /// <summary>The delta is the oldest part of a backlog: the sender has more changes after <see cref="DeltaUpTo"/>
    /// and sends them once this part is acknowledged, so a reply carrying it is answered at once (with a push that
    /// carries the acknowledgement) instead of at the next round.</summary>
    public bool DeltaMore { get; init; }

    public ulong? DigestRoot { get; init; }
    public ulong[]? DigestBuckets { get; init; }
    public long DigestVersion { get; init; }

    public CounterMap? Repair { get; init; }
    public int[]? RepairBuckets { get; init; }
    public int RepairBucketCount { get; init; }
    public long RepairVersion { get; init; }
    public bool RepairComplete { get; init; }

    public int[]? WantBuckets { get; init; }
    public int WantBucketCount { get; init; }
    public long WantVersion { get; init; }

    public ulong MembersHash { get; init; }
    public IReadOnlyList<MemberRecord> Members { get; init; } = [];
    public bool MembersComplete { get; init; }
}
