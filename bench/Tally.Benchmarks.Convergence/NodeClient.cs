using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Tally.Benchmarks.Convergence;

/// <summary>The node's public HTTP API as this benchmark uses it. Any answer other than the expected one throws with
/// the status and body, so a benchmark never counts a view that was not acknowledged.</summary>
sealed class NodeClient : IDisposable
{
    readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A node's view of the cluster: enough to judge readiness and convergence. <paramref name="AllAcked"/>:
    /// every other member has acknowledged all of this node's changes, so it has no delta left to send.</summary>
    internal sealed record ClusterInfo(string Phase, int Videos, long Version, long DigestVersion, string Digest, int Alive, bool AllAcked);

    public async Task<bool> IsReadyAsync(LocalNode node, CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(node.Url + "/health"), ct);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>One acknowledged (durable) view request of <paramref name="amount"/> views.</summary>
    public async Task PostViewsAsync(LocalNode node, string video, int amount, CancellationToken ct)
    {
        using var content = new StringContent($$"""{"amount":{{amount}}}""", Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri($"{node.Url}/videos/{video}/views"), content, ct);
        await EnsureOkAsync(response, ct);
    }

    /// <summary>One acknowledged batch: one view of each of <paramref name="videos"/>.</summary>
    public async Task PostBatchAsync(LocalNode node, IEnumerable<string> videos, CancellationToken ct)
    {
        var body = new StringBuilder("{\"views\":[");
        var first = true;
        foreach (var video in videos)
        {
            body.Append(first ? "" : ",").Append("{\"videoId\":\"").Append(video).Append("\",\"amount\":1}");
            first = false;
        }
        body.Append("]}");
        using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(node.Url + "/views"), content, ct);
        await EnsureOkAsync(response, ct);
    }

    /// <summary>The network-wide count of <paramref name="video"/> as <paramref name="node"/> knows it now.</summary>
    public async Task<ulong> GetCountAsync(LocalNode node, string video, CancellationToken ct)
    {
        using var response = await _http.GetAsync(new Uri($"{node.Url}/videos/{video}"), ct);
        await EnsureOkAsync(response, ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
        return json.RootElement.GetProperty("count").GetUInt64();
    }

    public async Task<ClusterInfo> GetClusterAsync(LocalNode node, CancellationToken ct)
    {
        using var response = await _http.GetAsync(new Uri(node.Url + "/cluster"), ct);
        await EnsureOkAsync(response, ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
        var root = json.RootElement;
        var members = root.GetProperty("members").EnumerateArray().ToArray();
        var version = root.GetProperty("version").GetInt64();
        var alive = members.Count(m => m.GetProperty("status").GetString() == "alive");
        var allAcked = members.All(m => m.GetProperty("self").GetBoolean() || m.GetProperty("ackedVersion").GetInt64() == version);
        return new ClusterInfo(root.GetProperty("phase").GetString() ?? "", root.GetProperty("videos").GetInt32(), version,
            root.GetProperty("digestVersion").GetInt64(), root.GetProperty("digest").GetString() ?? "", alive, allAcked);
    }

    /// <summary>The node's Prometheus text as series (name with labels, e.g. <c>tally_gossip_rounds_total{...}</c>)
    /// to values.</summary>
    public async Task<Dictionary<string, double>> GetMetricsAsync(LocalNode node, CancellationToken ct)
    {
        var text = await _http.GetStringAsync(new Uri(node.Url + "/metrics"), ct);
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                series[line[..space]] = value;
            }
        }
        return series;
    }

    static async Task EnsureOkAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
        }
    }

    public void Dispose() => _http.Dispose();
}
