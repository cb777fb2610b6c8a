using Tally.Crdt;

namespace Tally.Replication;

/// <summary>The cluster a replica belongs to, as far as it knows. <see cref="Id"/> is null for a new node with peers
/// that has not yet heard from a member that has one. <see cref="Provisional"/> marks an id the node made itself at
/// its first start without peers and has not yet confirmed by an exchange with any member: such a node was alone, so
/// it takes the id of the first cluster that reaches it (a node restarted alone after losing its disk rejoins its
/// cluster) instead of refusing it.</summary>
public readonly record struct ClusterIdentity(ClusterId? Id, bool Provisional)
{
    /// <summary>An id given in configuration or already confirmed: final.</summary>
    public static ClusterIdentity Settled(ClusterId id) => new(id, Provisional: false);

    /// <summary>An id a node without peers made at its first start.</summary>
    public static ClusterIdentity Minted(ClusterId id) => new(id, Provisional: true);

    /// <summary>The cluster identity a node starts with. A configured id wins (and settles a provisional stored one);
    /// else the stored one; else a node without peers makes one (it is the first node of a new cluster, or alone:
    /// provisional until it exchanges with a member), and a node with peers starts without one and adopts the id of
    /// the first member it hears from, so it never refuses the cluster it was told to join.</summary>
    /// <exception cref="InvalidOperationException">The configured id differs from the stored one: the data directory
    /// belongs to another cluster.</exception>
    public static ClusterIdentity AtStart(ClusterIdentity stored, ClusterId? configured, bool hasPeers, Func<ClusterId> mint)
    {
        ArgumentNullException.ThrowIfNull(mint);
        if (configured is { } given)
        {
            return stored.Id is { } kept && kept != given && !stored.Provisional
                ? throw new InvalidOperationException($"The data directory belongs to cluster '{kept}', but the configured cluster id is '{given}'. Start it with --cluster-id {kept}, or give it an empty data directory to join cluster '{given}' as a new replica.")
                : Settled(given);
        }
        return stored.Id is not null ? stored : hasPeers ? default : Minted(mint());
    }
}

/// <summary>Why the core refused a message; the host answers it with 409 and counts it.</summary>
/// <param name="Reason">Short machine-readable reason, e.g. <c>cluster</c>.</param>
/// <param name="Detail">What happened, for the log and the ProblemDetails.</param>
public sealed record GossipRefusal(string Reason, string Detail);
