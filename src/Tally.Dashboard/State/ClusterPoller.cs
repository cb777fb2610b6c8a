using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tally.Dashboard.Nodes;

namespace Tally.Dashboard.State;

/// <summary>Polls every known node at the push interval, each node in its own loop so a slow or dead node delays no
/// other: <c>GET /cluster</c>, <c>GET /videos/{id}</c> for each watched video, and now and then <c>GET /videos</c>, and about once a second <c>GET /metrics</c>.
/// Members a node reports are added to the registry, so cards appear for nodes that joined elsewhere.</summary>
public sealed partial class ClusterPoller(
    NodeRegistry registry,
    ClusterState state,
    WatchedVideos watched,
    NodeClient client,
    IOptions<DashboardOptions> options,
    TimeProvider time,
    ILogger<ClusterPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new Dictionary<string, Task>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(options.Value.PushInterval, time);
        try
        {
            do
            {
                foreach (var url in registry.Urls.Where(u => !loops.ContainsKey(u)))
                {
                    loops[url] = PollNodeAsync(url, stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(loops.Values).ConfigureAwait(false);
    }

    async Task PollNodeAsync(string url, CancellationToken ct)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.PushInterval, time);
        var polls = 0L;
        try
        {
            do
            {
                await PollOnceAsync(url, polls % o.TopVideosEveryPolls == 0, polls % o.MetricsEveryPolls == 0, ct).ConfigureAwait(false);
                polls++;
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    async Task PollOnceAsync(string url, bool withTop, bool withMetrics, CancellationToken ct)
    {
        var previous = state.Get(url);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            var cluster = await client.GetClusterAsync(url, timeout.Token).ConfigureAwait(false);
            registry.Add(url, cluster.NodeId);
            foreach (var m in cluster.Members.Where(m => !m.IsSelf && m.Url.Length > 0))
            {
                registry.Add(m.Url, m.Id);
            }
            var videos = new Dictionary<string, VideoInfo>(StringComparer.Ordinal);
            foreach (var videoId in watched.Current)
            {
                videos[videoId] = await client.GetVideoAsync(url, videoId, timeout.Token).ConfigureAwait(false);
            }
            // Another replica or cluster at this address (a fresh cluster on the same ports): nothing it said before holds.
            var same = previous.Cluster is null || (previous.Cluster.ClusterId == cluster.ClusterId && previous.Cluster.ReplicaId == cluster.ReplicaId);
            var top = withTop || !same ? await TryGetTopAsync(url, same ? previous.Top : [], ct).ConfigureAwait(false) : previous.Top;
            var (counters, rates) = withMetrics ? await TryGetRatesAsync(url, previous, ct).ConfigureAwait(false) : (previous.Counters, previous.Rates);
            state.Set(new(url, cluster.NodeId, true, null, time.GetUtcNow(), cluster, videos, top, counters, rates));
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or JsonException or OperationCanceledException)
        {
            var error = e is OperationCanceledException ? "no answer within " + options.Value.RequestTimeout.TotalSeconds + " s" : e.Message;
            if (previous.Reachable)
            {
                LogUnreachable(url, error);
            }
            state.Set(previous with { Reachable = false, Error = error });
        }
    }

    /// <summary>The top list is a nicety: a node too slow to list its videos keeps its last list and stays up.</summary>
    async Task<IReadOnlyList<VideoCount>> TryGetTopAsync(string url, IReadOnlyList<VideoCount> previous, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            return await client.GetTopVideosAsync(url, options.Value.TopVideosMax, options.Value.TopVideosScanMax, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or JsonException or OperationCanceledException)
        {
            return previous;
        }
    }

    /// <summary>Gossip figures are a nicety too: a node whose <c>/metrics</c> fails keeps its last ones.</summary>
    async Task<(GossipCounters?, GossipRates?)> TryGetRatesAsync(string url, NodeState previous, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            var counters = await client.GetGossipCountersAsync(url, time.GetUtcNow(), timeout.Token).ConfigureAwait(false);
            return (counters, GossipRates.Between(previous.Counters, counters) ?? previous.Rates);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or OperationCanceledException)
        {
            return (previous.Counters, previous.Rates);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Node {Url} stopped answering: {Error}")]
    partial void LogUnreachable(string url, string error);
}
