using System.Globalization;
using Tally.Dashboard.Nodes;
using Tally.Dashboard.Supervision;

namespace Tally.Dashboard.State;

/// <summary>Builds a <see cref="DashboardUpdate"/> from the latest poll of each node and the supervisor's process
/// states. Pure, so the status rules below are tested without a cluster.</summary>
public static class UpdateBuilder
{
    /// <summary>Status of a node on its card, first rule that applies: partitioned (by this page); left (its process
    /// left, or a peer reports it left); down (its process is not running, or it does not answer); suspect (most
    /// peers that answer suspect it or think it down); alive.</summary>
    public static DashboardUpdate Build(
        string videoId,
        IReadOnlyList<NodeState> states,
        IReadOnlySet<string> partitioned,
        IReadOnlyList<SupervisedNode>? supervised,
        DateTimeOffset now,
        int topMax)
    {
        var processes = (supervised ?? []).ToDictionary(s => NodeRegistry.Normalize(s.Url) ?? s.Url, StringComparer.Ordinal);
        var reachable = states.Where(s => s.Reachable && s.Cluster is not null).ToList();
        var counts = states.Where(s => s.Reachable && s.Videos.ContainsKey(videoId)).Select(s => s.Videos[videoId].Count).ToList();
        var highest = counts.Count > 0 ? counts.Max() : 0;

        var cards = new List<NodeCard>();
        foreach (var s in states)
        {
            processes.TryGetValue(s.Url, out var process);
            var id = s.Id ?? process?.Id;
            var peerViews = reachable.Where(r => r.Url != s.Url)
                .SelectMany(r => r.Cluster!.Members.Where(m => !m.IsSelf && (m.Id == id || NodeRegistry.Normalize(m.Url) == s.Url)))
                .Select(m => m.Status)
                .ToList();
            var (status, detail) = Status(s, process, peerViews, partitioned.Contains(s.Url));
            s.Videos.TryGetValue(videoId, out var video);
            var lastGossip = s.Cluster?.Members.Where(m => !m.IsSelf && m.LastExchange is not null).Max(m => m.LastExchange);
            cards.Add(new(
                id ?? s.Url, id, s.Url, status, detail, s.Reachable,
                video?.Total, video?.Count, video is null ? null : highest - video.Count,
                lastGossip is { } g ? (long)Math.Max(0, (now - g).TotalMilliseconds) : null,
                video?.Replicas, process?.State.ToString().ToLowerInvariant(), partitioned.Contains(s.Url)));
        }
        cards.Sort((a, b) => NaturalCompare(a.Key, b.Key));

        var top = states.Where(s => s.Reachable).SelectMany(s => s.Top)
            .GroupBy(v => v.VideoId, StringComparer.Ordinal)
            .Select(g => new VideoCount(g.Key, g.Max(v => v.Count)))
            .OrderByDescending(v => v.Count).ThenBy(v => v.VideoId, StringComparer.Ordinal)
            .Take(topMax)
            .ToList();
        var mode = supervised is null ? "external" : "supervised";
        var controls = new ControlsAvailable(Add: supervised is not null, Remove: true, Crash: supervised is not null,
            Restart: supervised is not null, Partition: true);
        return new(now.ToUnixTimeMilliseconds(), videoId, mode, controls, cards, top);
    }

    static (string Status, string? Detail) Status(NodeState s, SupervisedNode? process, List<string> peerViews, bool partitioned)
    {
        if (partitioned)
        {
            return ("partitioned", "cut off from the other nodes by this page; heal to reconnect");
        }
        if (process is { State: NodeProcessState.Left } || peerViews.Contains("left"))
        {
            return ("left", s.Reachable ? "leaving: handing its entries to peers" : "left the cluster");
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
        var doubted = peerViews.Count(v => v is "suspect" or "down");
        return peerViews.Count > 0 && doubted * 2 > peerViews.Count
            ? ("suspect", "answers the dashboard, but most peers have not heard from it lately")
            : ("alive", null);
    }

    /// <summary>Orders n2 before n10.</summary>
    static int NaturalCompare(string a, string b)
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
