using Tally.Dashboard.Nodes;

namespace Tally.Dashboard.State;

/// <summary>The latest poll of one node. When a poll fails the last good data is kept (marked unreachable), so a
/// card still shows what the node last said.</summary>
/// <param name="LastSeen">When the node last answered a poll.</param>
/// <param name="Videos">The watched videos as this node last reported them.</param>
/// <param name="Counters">The last scrape of its gossip counters (about once a second).</param>
/// <param name="Rates">Gossip figures between the last two scrapes.</param>
public sealed record NodeState(
    string Url,
    string? Id,
    bool Reachable,
    string? Error,
    DateTimeOffset? LastSeen,
    ClusterInfo? Cluster,
    IReadOnlyDictionary<string, VideoInfo> Videos,
    IReadOnlyList<VideoCount> Top,
    GossipCounters? Counters = null,
    GossipRates? Rates = null)
{
    public static NodeState Unknown(string url) =>
        new(url, null, false, "not polled yet", null, null, new Dictionary<string, VideoInfo>(), []);
}
