using Tally.Crdt;

namespace Tally.Replication;

/// <summary>A member's status as one node sees it. Derived from heartbeats and the node's clock, never gossiped,
/// except <see cref="Left"/>, which the member itself announces.</summary>
public enum MemberStatus
{
    Alive,
    Suspect,
    Down,
    Left,
}

/// <summary>A read-only view of one member for APIs and dashboards.</summary>
public sealed record MemberView(
    ReplicaId Id,
    string Address,
    MemberStatus Status,
    long Incarnation,
    long Heartbeat,
    DateTimeOffset? LastHeard,
    DateTimeOffset? LastExchange,
    long AckedVersion,
    long HeldVersion,
    bool Synced,
    bool IsSelf)
{
    /// <summary>The member's node name (<see cref="ReplicaId.Name"/>).</summary>
    public string Name => Id.Name;

    /// <summary>This member and another live replica use the same name: two processes were started with one name
    /// (each counts under its own replica id, so nothing is lost, but the name no longer tells them apart).</summary>
    public bool NameConflict { get; init; }
}
