using System.Globalization;
using System.Numerics;
using Tally.Dashboard.Nodes;
using Tally.Dashboard.Supervision;

namespace Tally.Dashboard.State;

/// <summary>Builds a <see cref="DashboardUpdate"/> from the latest poll of each node and the supervisor's process
/// states. Pure, so the status and lag rules below are tested without a cluster.</summary>
public static class UpdateBuilder
{
    /// <summary>Status of a node on its card, first rule that applies: partitioned (by this page); foreign (it reports
    /// another cluster id); starting (its process was started and it has not answered since, or it recovers its
    /// entries); leaving (it says so itself); left (its process left, or it does not answer and a peer reports it
    /// left); down (its process is not running, or it does not answer); suspect (most peers that answer suspect it or
    /// think it down); alive. A node that answers for itself is never left on a peer's word: a restarted node that
    /// had left is back.</summary>
    public static DashboardUpdate Build(
        string videoId,
        IReadOnlyList<NodeState> states,
        IReadOnlySet<string> partitioned,
        IReadOnlyList<SupervisedNode>? supervised,
        DateTimeOffset now,
        int topMax)
    {
        var processes = (supervised ?? []).ToDictionary(s => NodeRegistry.Normalize(s.Url) ?? s.Url, StringComparer.Ordinal);
        var names = states.Select(s => (s.Url, Name: s.Id ?? (processes.TryGetValue(s.Url, out var p) ? p.Id : null))).ToList();
        var keys = CardKeys.For(names);
        var clusterId = ClusterIdOf(states);
        var mine = states.Where(s => !IsForeign(s, clusterId)).ToList();
        var reachable = mine.Where(s => s.Reachable && s.Cluster is not null).ToList();

        // The dashboard's replica of the video: the per-replica maximum of every entry any node of the cluster showed.
        var merged = new SortedDictionary<string, BigInteger>(StringComparer.Ordinal);
        foreach (var (replica, value) in mine.Where(s => s.Videos.ContainsKey(videoId)).SelectMany(s => s.Videos[videoId].Replicas))
        {
            merged[replica] = BigInteger.Max(value, merged.GetValueOrDefault(replica));
        }
        var mergedCount = merged.Values.Aggregate(BigInteger.Zero, (a, b) => a + b);

        var cards = new List<NodeCard>();
        foreach (var s in states)
        {
            processes.TryGetValue(s.Url, out var process);
            var id = s.Id ?? process?.Id;
            var replicaId = s.Cluster?.ReplicaId;
            var peerViews = reachable.Where(r => r.Url != s.Url)
                .SelectMany(r => r.Cluster!.Members.Where(m => !m.IsSelf && IsSame(m, id, replicaId, s.Url)))
                .ToList();
            var foreign = IsForeign(s, clusterId);
            var (status, detail) = Status(s, process, [.. peerViews.Select(m => m.Status)], partitioned.Contains(s.Url), foreign, clusterId);
            var conflict = s.Cluster?.NameConflict == true || peerViews.Any(m => m.NameConflict);
            if (conflict)
            {
                detail = $"another node also calls itself {id}: give each node its own --id" + (detail is null ? "" : "; " + detail);
            }
            s.Videos.TryGetValue(videoId, out var video);
            var lastGossip = s.Cluster?.Members.Where(m => !m.IsSelf && m.LastExchange is not null).Max(m => m.LastExchange);
            var claimsLag = video is not null && s.Reachable && status is "alive" or "suspect" or "partitioned" or "leaving";
            cards.Add(new(
                keys[s.Url], id, s.Url, status, detail, s.Reachable,
                video?.Total, video?.Count, claimsLag ? BigInteger.Max(0, mergedCount - video!.Count) : null,
                lastGossip is { } g ? (long)Math.Max(0, (now - g).TotalMilliseconds) : null,
                foreign ? null : video?.Replicas, process?.State.ToString().ToLowerInvariant(), partitioned.Contains(s.Url),
                replicaId, s.Cluster?.ClusterId, s.Cluster?.Phase, conflict, s.Cluster?.Members.Count, s.Rates, process?.Starts ?? 0));
        }
        cards.Sort((a, b) => NaturalCompare(a.Key, b.Key));

        var top = mine.Where(s => s.Reachable).SelectMany(s => s.Top)
            .GroupBy(v => v.VideoId, StringComparer.Ordinal)
            .Select(g => new VideoCount(g.Key, g.Max(v => v.Count)))
            .OrderByDescending(v => v.Count).ThenBy(v => v.VideoId, StringComparer.Ordinal)
            .Take(topMax)
            .ToList();
        var mode = supervised is null ? "external" : "supervised";
        var controls = new ControlsAvailable(Add: supervised is not null, Remove: true, Crash: supervised is not null,
            Restart: supervised is not null, Partition: true);
        return new(now.ToUnixTimeMilliseconds(), videoId, mode, controls, clusterId, cards, top, merged, mergedCount, []);
    }

    /// <summary>The cluster id most nodes that answer report (ties: the ordinal first); null if none reports one.</summary>
    public static string? ClusterIdOf(IEnumerable<NodeState> states) => states
        .Where(s => s.Reachable && s.Cluster?.ClusterId is not null)
        .GroupBy(s => s.Cluster!.ClusterId!, StringComparer.Ordinal)
        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => g.Key)
        .FirstOrDefault();

    static bool IsForeign(NodeState s, string? clusterId) =>
        clusterId is not null && s.Cluster?.ClusterId is { } other && other != clusterId;

    static bool IsSame(MemberInfo m, string? name, string? replicaId, string url) =>
        replicaId is not null && m.ReplicaId is not null
            ? m.ReplicaId == replicaId
            : m.Id == name || NodeRegistry.Normalize(m.Url) == url;

    static (string Status, string? Detail) Status(
        NodeState s, SupervisedNode? process, List<string> peerViews, bool partitioned, bool foreign, string? clusterId)
    {
        if (partitioned)
        {
            return ("partitioned", "cut off from the other nodes by this page; heal to reconnect");
        }
        // A node that no longer answers is judged by its process and peers, not by the cluster it last named.
        if (foreign && s.Reachable)
        {
            return ("foreign", $"belongs to cluster {s.Cluster!.ClusterId}, not {clusterId}: its counts are left out");
        }
        if (process is { State: NodeProcessState.Running, StartedAt: { } started } && (s.LastSeen is null || s.LastSeen < started))
        {
            return ("starting", $"process started (pid {process.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "?"}); waiting for it to answer");
        }
        if (s.Reachable && s.Cluster?.Phase == "leaving")
        {
            return ("leaving", "handing its entries to peers before it exits");
        }
        if (process is { State: NodeProcessState.Left } || (!s.Reachable && peerViews.Contains("left")))
        {
            return ("left", "left the cluster; its views stay counted");
        }
        if (process is { State: not NodeProcessState.Running })
        {
            var how = process.State == NodeProcessState.Crashed ? "crashed (killed)" : $"process {process.State.ToString().ToLowerInvariant()}";
            return ("down", process.ExitCode is { } code ? $"{how}, exit code {code.ToString(CultureInfo.InvariantCulture)}" : how);
        }
        if (!s.Reachable)
        {
            return ("down", s.Error);
        }
        if (s.Cluster?.Phase is "recovering" or "loading")
        {
            return ("starting", "recovering its own entries from peers (its disk was empty)");
        }
        var doubted = peerViews.Count(v => v is "suspect" or "down");
        return peerViews.Count > 0 && doubted * 2 > peerViews.Count
            ? ("suspect", "answers the dashboard, but most peers have not heard from it lately")
            : ("alive", null);
    }

    /// <summary>Orders n2 before n10.</summary>
    internal static int NaturalCompare(string a, string b)
    {
        var (pa, na) = Split(a);
        var (pb, nb) = Split(b);
        var c = string.CompareOrdinal(pa, pb);
        return c != 0 ? c : na != nb ? na.CompareTo(nb) : string.CompareOrdinal(a, b);
    }

    static (string Prefix, long Number) Split(string s)
    {
        var i = s.Length;
        while (i > 0 && char.IsAsciiDigit(s[i - 1]))
        {
            i--;
        }
        return i < s.Length && s.Length - i < 18
            ? (s[..i], long.Parse(s.AsSpan(i), CultureInfo.InvariantCulture))
            : (s, -1);
    }
}
