using Tally.Crdt;

namespace Tally.Replication;

/// <summary>The cluster a replica belongs to, as far as it knows: a join-semilattice, so the nodes of a connected
/// cluster agree on one id whatever the order they hear of each other.</summary>
/// <remarks>
/// <para><see cref="Id"/> is null for a new node with peers that has not yet heard from its cluster.</para>
/// <para>A <em>settled</em> id was given in configuration (<c>--cluster-id</c>) or learned from a node that has one.
/// Two different settled ids never merge: a message from the other is refused (409) and nothing of it is merged.</para>
/// <para>A <see cref="Provisional"/> id was made by a node without peers at its first start. It gives way to a
/// settled id, and to an older made id (made ids sort by mint time), so a node restarted alone after losing its disk,
/// which makes a new id, rejoins its cluster as soon as a member reaches it, and a joiner that first reached such a
/// node still ends in the one cluster. Only settled ids protect a cluster from another: give <c>--cluster-id</c>
/// (<c>tally up</c> and the compose file do).</para>
/// </remarks>
public readonly record struct ClusterIdentity(ClusterId? Id, bool Provisional)
{
    /// <summary>An id given in configuration or learned from a settled node: final.</summary>
    public static ClusterIdentity Settled(ClusterId id) => new(id, Provisional: false);

    /// <summary>An id a node without peers made at its first start.</summary>
    public static ClusterIdentity Minted(ClusterId id) => new(id, Provisional: true);

    /// <summary>The cluster identity a node starts with. A configured id wins (over a provisional stored one too);
    /// else the stored one; else a node without peers makes one (it is the first node of a new cluster, or alone),
    /// and a node with peers starts without one and adopts its cluster's, so it never refuses the cluster it joins.</summary>
    /// <exception cref="InvalidOperationException">The configured id differs from a settled stored one: the data
    /// directory belongs to another cluster.</exception>
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

    /// <summary>What a node knowing this identity takes from a message of <paramref name="theirs"/>: the join of the
    /// two, or null when both are settled and differ (another cluster: refuse the message).</summary>
    public ClusterIdentity? Join(ClusterIdentity theirs)
    {
        if (theirs.Id is not { } other)
        {
            return this;
        }
        if (Id is not { } mine)
        {
            return theirs;
        }
        if (mine == other)
        {
            return new ClusterIdentity(mine, Provisional && theirs.Provisional);
        }
        return (Provisional, theirs.Provisional) switch
        {
            (false, false) => null,
            (false, true) => this,
            (true, false) => theirs,
            _ => ClusterId.Compare(other, mine) < 0 ? theirs : this,
        };
    }
}

/// <summary>Why the core refused a message; the host answers it with 409 and counts it.</summary>
/// <param name="Reason">Short machine-readable reason, e.g. <c>cluster</c>.</param>
/// <param name="Detail">What happened, for the log and the ProblemDetails.</param>
public sealed record GossipRefusal(string Reason, string Detail);
