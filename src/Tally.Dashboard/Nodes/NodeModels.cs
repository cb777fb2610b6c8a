namespace Tally.Dashboard.Nodes;

/// <summary>One node's <c>GET /cluster</c>: its id and its view of the members.</summary>
public sealed record ClusterInfo(string NodeId, IReadOnlyList<MemberInfo> Members);

/// <param name="Status">alive, suspect, down or left, as the reporting node sees the member.</param>
/// <param name="LastExchange">When the reporting node last exchanged gossip with the member.</param>
public sealed record MemberInfo(string Id, string Url, string Status, DateTimeOffset? LastExchange, bool IsSelf);

/// <summary>One node's <c>GET /videos/{id}</c>: its own views, the network-wide count as it knows it, and the
/// G-Counter entries behind that count.</summary>
public sealed record VideoInfo(string VideoId, long Total, long Count, IReadOnlyDictionary<string, long> Replicas);

public sealed record VideoCount(string VideoId, long Count);

/// <summary>A node's answer to a proxied request, passed on to the page as it came.</summary>
public sealed record NodeReply(int StatusCode, string? ContentType, string Body);
