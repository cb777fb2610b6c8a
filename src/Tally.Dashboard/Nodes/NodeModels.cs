namespace Tally.Dashboard.Nodes;

/// <summary>One node's <c>GET /cluster</c>: its name (<paramref name="NodeId"/>) and its view of the members.</summary>
public sealed record ClusterInfo(string NodeId, IReadOnlyList<MemberInfo> Members)
{
    /// <summary>The node's replica id (<c>name~suffix</c>, made with its data directory); null from an older node.</summary>
    public string? ReplicaId { get; init; }

    /// <summary>The cluster's id; null while a new node has not yet heard from its cluster, or from an older node.</summary>
    public string? ClusterId { get; init; }

    /// <summary>Another live replica uses this node's name (two processes started with one --id).</summary>
    public bool NameConflict { get; init; }
}

/// <param name="Id">The member's node name: not unique (a lost disk or a name conflict gives a name several
/// replicas); <see cref="ReplicaId"/> is.</param>
/// <param name="Status">alive, suspect, down or left, as the reporting node sees the member.</param>
/// <param name="LastExchange">When the reporting node last exchanged gossip with the member.</param>
public sealed record MemberInfo(string Id, string Url, string Status, DateTimeOffset? LastExchange, bool IsSelf)
{
    /// <summary>The member's replica id; falls back to <see cref="Id"/> for an older node.</summary>
    public string? ReplicaId { get; init; }

    /// <summary>This member and another live replica use the same name.</summary>
    public bool NameConflict { get; init; }
}

/// <summary>One node's <c>GET /videos/{id}</c>: its own views, the network-wide count as it knows it, and the
/// G-Counter entries behind that count, keyed by replica id (<see cref="Names"/>: summed per node name).</summary>
public sealed record VideoInfo(string VideoId, long Total, long Count, IReadOnlyDictionary<string, long> Replicas)
{
    public IReadOnlyDictionary<string, long> Names { get; init; } = new Dictionary<string, long>();
}

public sealed record VideoCount(string VideoId, long Count);

/// <summary>A node's answer to a proxied request, passed on to the page as it came.</summary>
public sealed record NodeReply(int StatusCode, string? ContentType, string Body);
