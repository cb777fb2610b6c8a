using System.Numerics;

namespace Tally.Dashboard.Nodes;

/// <summary>One node's <c>GET /cluster</c>: its name, its view of the members and, once the node has them, the
/// identity fields of the contract (cluster id, replica id, name conflict). Missing optional fields are null/false.</summary>
/// <param name="NodeId">The node's name (<c>nodeId</c>, the configured <c>--id</c>).</param>
/// <param name="Phase">loading, recovering, ready or leaving; null from a node that does not say.</param>
public sealed record ClusterInfo(
    string NodeId,
    IReadOnlyList<MemberInfo> Members,
    string? ClusterId = null,
    string? ReplicaId = null,
    string? Phase = null,
    bool NameConflict = false);

/// <param name="Status">alive, suspect, down or left, as the reporting node sees the member.</param>
/// <param name="LastExchange">When the reporting node last exchanged gossip with the member.</param>
public sealed record MemberInfo(
    string Id,
    string Url,
    string Status,
    DateTimeOffset? LastExchange,
    bool IsSelf,
    string? ReplicaId = null,
    bool NameConflict = false);

/// <summary>One node's <c>GET /videos/{id}</c>: its own views, the network-wide count as it knows it, and the
/// G-Counter entries behind that count, keyed as the node keys them (replica id, or node name on older nodes).
/// Counts are <see cref="BigInteger"/> so they stay exact whatever the node's count type.</summary>
public sealed record VideoInfo(string VideoId, BigInteger Total, BigInteger Count, IReadOnlyDictionary<string, BigInteger> Replicas)
{
    /// <summary>The entries summed per node name (<c>names</c> of newer nodes; empty from older ones).</summary>
    public IReadOnlyDictionary<string, BigInteger> Names { get; init; } = new Dictionary<string, BigInteger>();
}

public sealed record VideoCount(string VideoId, BigInteger Count);

/// <summary>A node's answer to a proxied request, passed on to the page as it came.</summary>
public sealed record NodeReply(int StatusCode, string? ContentType, string Body);

/// <summary>The gossip counters of one scrape of a node's <c>/metrics</c> (cumulative since the node started).</summary>
/// <param name="MergeSeconds">Sum of <c>tally.merge.duration</c>; with <paramref name="Merges"/> its mean.</param>
public sealed record GossipCounters(
    DateTimeOffset At,
    double MessagesIn,
    double MessagesOut,
    double BytesIn,
    double BytesOut,
    double MergeSeconds,
    double Merges);

/// <summary>Gossip figures of one node between two scrapes.</summary>
/// <param name="MessagesPerSecond">Gossip messages in and out per second.</param>
/// <param name="BytesPerSecond">Gossip bytes in and out per second.</param>
/// <param name="MergeMs">Mean time to take in one gossip message, in milliseconds; null if none arrived.</param>
public sealed record GossipRates(double MessagesPerSecond, double BytesPerSecond, double? MergeMs)
{
    /// <summary>The rates from <paramref name="before"/> to <paramref name="after"/>; null if no time passed or the node
    /// restarted in between (its counters went down).</summary>
    public static GossipRates? Between(GossipCounters? before, GossipCounters after)
    {
        if (before is null)
        {
            return null;
        }
        var seconds = (after.At - before.At).TotalSeconds;
        var messages = after.MessagesIn + after.MessagesOut - before.MessagesIn - before.MessagesOut;
        var bytes = after.BytesIn + after.BytesOut - before.BytesIn - before.BytesOut;
        var merges = after.Merges - before.Merges;
        if (seconds <= 0 || messages < 0 || bytes < 0 || merges < 0)
        {
            return null;
        }
        return new(messages / seconds, bytes / seconds, merges > 0 ? (after.MergeSeconds - before.MergeSeconds) / merges * 1000 : null);
    }
}
