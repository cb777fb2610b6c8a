using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Tally.Dashboard.Nodes;

/// <summary>The dashboard's side of the node API (ISSUE3 §Public API). Reads are parsed into small records; writes
/// return the node's reply unchanged so the page can show it, ProblemDetails included.</summary>
public sealed class NodeClient(IHttpClientFactory factory, IOptions<DashboardOptions> options)
{
    public const string HttpClientName = "tally-nodes";

    HttpClient Http => factory.CreateClient(HttpClientName);

    public async Task<ClusterInfo> GetClusterAsync(string nodeUrl, CancellationToken ct)
    {
        var json = await GetJsonAsync(nodeUrl, "/cluster", ct).ConfigureAwait(false);
        return NodeJson.ParseCluster(json);
    }

    /// <summary>The gossip counters of the node's <c>GET /metrics</c>.</summary>
    public async Task<GossipCounters> GetGossipCountersAsync(string nodeUrl, DateTimeOffset at, CancellationToken ct)
    {
        using var response = await Http.GetAsync(new Uri(new Uri(nodeUrl), "/metrics"), ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return PrometheusText.ParseGossip(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false), at);
    }

    public async Task<VideoInfo> GetVideoAsync(string nodeUrl, string videoId, CancellationToken ct)
    {
        var json = await GetJsonAsync(nodeUrl, "/videos/" + Uri.EscapeDataString(videoId), ct).ConfigureAwait(false);
        return NodeJson.ParseVideo(json, videoId);
    }

    /// <summary>The <paramref name="top"/> videos by count among the first <paramref name="scanMax"/> the node lists
    /// (<c>GET /videos</c> pages in id order, so finding the top means reading the pages).</summary>
    public async Task<IReadOnlyList<VideoCount>> GetTopVideosAsync(string nodeUrl, int top, int scanMax, CancellationToken ct)
    {
        var all = new List<VideoCount>();
        string? after = null;
        do
        {
            var limit = Math.Min(PageSize, scanMax - all.Count);
            var path = $"/videos?limit={limit}" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            var (videos, next) = NodeJson.ParseVideoPage(await GetJsonAsync(nodeUrl, path, ct).ConfigureAwait(false));
            all.AddRange(videos);
            after = next;
        }
        while (after is not null && all.Count < scanMax);
        return [.. all.OrderByDescending(v => v.Count).ThenBy(v => v.VideoId, StringComparer.Ordinal).Take(top)];
    }

    const int PageSize = 1000;

    /// <param name="w">The write level (<c>1</c>, a number, <c>majority</c>, <c>all</c>), or null for the node's default (1).</param>
    public Task<NodeReply> PostViewsAsync(string nodeUrl, string videoId, long amount, CancellationToken ct, string? w = null) =>
        SendAsync(HttpMethod.Post, nodeUrl, "/videos/" + Uri.EscapeDataString(videoId) + "/views" +
            (string.IsNullOrEmpty(w) ? "" : "?w=" + Uri.EscapeDataString(w)),
            new JsonObject { ["amount"] = amount }, admin: false, ct);

    public Task<NodeReply> LeaveAsync(string nodeUrl, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, nodeUrl, "/admin/leave", null, admin: true, ct);

    /// <summary>Makes the node drop all gossip to and from <paramref name="dropPeers"/> (node URLs); an empty list
    /// heals it.</summary>
    public Task<NodeReply> SetFaultsAsync(string nodeUrl, IReadOnlyCollection<string> dropPeers, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, nodeUrl, "/admin/faults", NodeJson.FaultsBody(dropPeers), admin: true, ct);

    async Task<JsonNode> GetJsonAsync(string nodeUrl, string path, CancellationToken ct)
    {
        using var response = await Http.GetAsync(new Uri(new Uri(nodeUrl), path), ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonNode>(ct).ConfigureAwait(false);
        return json ?? throw new HttpRequestException($"{nodeUrl}{path} answered an empty body.");
    }

    async Task<NodeReply> SendAsync(HttpMethod method, string nodeUrl, string path, JsonNode? body, bool admin, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(new Uri(nodeUrl), path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (admin && options.Value.AdminToken is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await Http.SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        return new((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), text);
    }
}
