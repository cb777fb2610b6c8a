using System.ComponentModel.DataAnnotations;

namespace Tally.Dashboard;

/// <summary>What the dashboard's backend needs: the nodes to start from (more are discovered through their member
/// lists), the admin token for the admin routes, and the limits of its polling and push loops.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>Node URLs to poll, e.g. <c>http://node1:8001</c>. Members they report are added as found.</summary>
    public List<string> Nodes { get; set; } = [];

    /// <summary>Sent as a bearer token on the nodes' admin routes (leave, faults).</summary>
    public string? AdminToken { get; set; }

    /// <summary>How often each node is polled and each browser gets an update (about 4 per second).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10")]
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Timeout of one request to a node; a node that does not answer in time is shown as down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The top-videos list is refreshed every this many polls.</summary>
    [Range(1, 1000)]
    public int TopVideosEveryPolls { get; set; } = 8;

    /// <summary>The gossip figures (<c>/metrics</c>) are read every this many polls (4: about once a second).</summary>
    [Range(1, 1000)]
    public int MetricsEveryPolls { get; set; } = 4;

    /// <summary>How often the count history behind the chart takes a sample of every watched video.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HistoryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How far back the chart's history goes (the longest range of its range picker).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most videos whose history is kept; the one sampled longest ago is forgotten first.</summary>
    [Range(1, 1024)]
    public int HistoryVideosMax { get; set; } = 64;

    /// <summary>Most events the timeline keeps (the oldest go first).</summary>
    [Range(1, 100_000)]
    public int TimelineMax { get; set; } = 500;

    [Range(1, 100)]
    public int TopVideosMax { get; set; } = 10;

    /// <summary>Most videos read from each node to find the top ones (the node lists videos by id, not by count).</summary>
    [Range(1, 1_000_000)]
    public int TopVideosScanMax { get; set; } = 10_000;

    /// <summary>Most distinct videos watched by open pages at once (each costs one request per node per poll).</summary>
    [Range(1, 256)]
    public int WatchedVideosMax { get; set; } = 16;

    /// <summary>Most nodes the dashboard tracks, configured and discovered together.</summary>
    [Range(1, 1024)]
    public int NodesMax { get; set; } = 64;

    /// <summary>Upper bound of the random number of views each node gets in a random test.</summary>
    [Range(1, 1_000_000)]
    public int RandomViewsMax { get; set; } = 100;
}
