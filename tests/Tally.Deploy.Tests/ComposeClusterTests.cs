using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Tally.Launcher;

namespace Tally.Deploy.Tests;

/// <summary>The README's <c>docker-compose.yml</c> run for real in Docker: five node containers and the dashboard on
/// 127.0.0.1:8000-8005, a node killed and started again, a node cut off the network and reconnected; every count
/// must end at exactly the views the nodes acknowledged.</summary>
public sealed class ComposeClusterTests(OfflineImage image)
{
    static readonly string[] Nodes = ["node1", "node2", "node3", "node4", "node5"];
    static readonly string[] Videos = ["compose-a", "compose-b", "compose-c"];
    readonly Dictionary<string, ulong> _acknowledged = Videos.ToDictionary(v => v, _ => 0UL);
    readonly Dictionary<string, ulong> _acknowledgedByNode3 = Videos.ToDictionary(v => v, _ => 0UL);

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cluster_KillDisconnectRestart_CountsEveryAcknowledgedViewExactlyOnce()
    {
        image.Require();
        foreach (var port in new[] { 8000, 8001, 8002, 8003, 8004, 8005 })
        {
            Assert.True(FreePorts.IsFree(port), $"127.0.0.1:{port} is taken: the README's compose file publishes 8000-8005; stop what listens there.");
        }
        var clock = Stopwatch.StartNew();
        await using var compose = new ComposeProject(["docker-compose.yml"]);
        using var client = NodeApi.NewClient();
        var nodes = Nodes.Select((n, i) => new NodeApi(client, n, $"http://127.0.0.1:{8001 + i}")).ToList();
        await compose.RunAsync("up", "-d");
        await WaitForClusterAsync(compose, nodes);
        await Wait.UntilAsync(async () => (await client.GetAsync("http://127.0.0.1:8000/", Ct)).StatusCode == HttpStatusCode.OK,
            "the dashboard must answer on http://127.0.0.1:8000", compose.LogsAsync);

        await SendRoundAsync(nodes, 1);
        await WaitForExactCountsAsync(compose, nodes);

        // docker kill (SIGKILL) right after node3 acknowledged views; while it is down the others keep taking views.
        var node3 = (await compose.ContainersAsync("node3")).Single();
        await SendRoundAsync([nodes[2]], 2);
        await ComposeProject.DockerAsync("kill", node3);
        await SendRoundAsync(nodes.Where(n => n.Name != "node3").ToList(), 3);
        await ComposeProject.DockerAsync("start", node3);
        await Wait.UntilAsync(() => nodes[2].IsHealthyAsync(), "node3 must be ready again after docker start", compose.LogsAsync);
        foreach (var video in Videos)
        {
            var (total, _) = await nodes[2].VideoAsync(video);
            Assert.True(total == _acknowledgedByNode3[video],
                $"node3's own entry for {video} must be every view it acknowledged before docker kill: {total} != {_acknowledgedByNode3[video]}");
        }
        await WaitForExactCountsAsync(compose, nodes);

        // docker network disconnect: node2 is cut off (its published port too); the others take views without it.
        var node2 = (await compose.ContainersAsync("node2")).Single();
        await ComposeProject.DockerAsync("network", "disconnect", compose.Network, node2);
        await Wait.UntilAsync(async () => !(await nodes[0].AliveMembersAsync()).Contains("node2"),
            "node1 must stop seeing node2 as alive once it is disconnected", compose.LogsAsync);
        await SendRoundAsync(nodes.Where(n => n.Name != "node2").ToList(), 4);
        await ComposeProject.DockerAsync("network", "connect", "--alias", "node2", compose.Network, node2);
        await WaitForClusterAsync(compose, nodes);
        await SendRoundAsync(nodes, 5);
        await WaitForExactCountsAsync(compose, nodes);

        await CheckDashboardStreamAsync(client, compose);
        TestContext.Current.SendDiagnosticMessage($"compose test: {clock.Elapsed.TotalSeconds:F0} s after the image was built (build {image.BuildTime.TotalSeconds:F0} s)");
    }

    /// <summary>Sends each node a few views of each video (amounts from the round) and counts the acknowledged ones.</summary>
    async Task SendRoundAsync(IReadOnlyList<NodeApi> nodes, int round)
    {
        foreach (var node in nodes)
        {
            foreach (var (video, i) in Videos.Select((v, i) => (v, i)))
            {
                var amount = (ulong)(round * 10 + i + node.Name[^1] - '0');
                if (await node.SendViewsAsync(video, amount))
                {
                    _acknowledged[video] += amount;
                    if (node.Name == "node3")
                    {
                        _acknowledgedByNode3[video] += amount;
                    }
                }
            }
        }
        Assert.True(_acknowledged.Values.All(v => v > 0), "some views must be acknowledged");
    }

    /// <summary>Every node healthy and seeing all five as alive.</summary>
    static async Task WaitForClusterAsync(ComposeProject compose, IReadOnlyList<NodeApi> nodes)
    {
        foreach (var node in nodes)
        {
            await Wait.UntilAsync(async () => await node.IsHealthyAsync() && (await node.AliveMembersAsync()).SetEquals(Nodes),
                $"{node.Name} must be ready and see all five nodes alive", compose.LogsAsync);
        }
    }

    async Task WaitForExactCountsAsync(ComposeProject compose, IReadOnlyList<NodeApi> nodes)
    {
        var seen = "";
        await Wait.UntilAsync(async () =>
        {
            var counts = new List<string>();
            var exact = true;
            foreach (var video in Videos)
            {
                foreach (var node in nodes)
                {
                    var (_, count) = await node.VideoAsync(video);
                    exact &= count == _acknowledged[video];
                    counts.Add($"{node.Name}/{video}={count}");
                }
            }
            seen = string.Join(", ", counts);
            return exact;
        }, "every node's count must equal the acknowledged views", async () =>
            $"expected {string.Join(", ", _acknowledged.Select(a => $"{a.Key}={a.Value}"))}; seen {seen}\n{await compose.LogsAsync()}");
    }

    /// <summary>The dashboard's Server-Sent Events (<c>/api/events</c>) show every node reachable, with the exact count.</summary>
    async Task CheckDashboardStreamAsync(HttpClient client, ComposeProject compose)
    {
        var video = Videos[0];
        await Wait.UntilAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:8000/api/events?video={video}");
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            limit.CancelAfter(TimeSpan.FromSeconds(8));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(limit.Token));
            while (await reader.ReadLineAsync(limit.Token) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }
                using var update = JsonDocument.Parse(line["data: ".Length..]);
                var cards = update.RootElement.GetProperty("nodes").EnumerateArray().ToList();
                var complete = cards.Where(c => c.GetProperty("reachable").GetBoolean() && c.GetProperty("status").GetString() == "alive" &&
                        CountOf(c.GetProperty("count")) == _acknowledged[video])
                    .Select(c => c.GetProperty("id").GetString()).ToHashSet();
                if (complete.SetEquals(Nodes))
                {
                    return true;
                }
            }
            return false;
        }, "the dashboard's event stream must show all five nodes alive with the exact count", compose.LogsAsync);
    }

    /// <summary>A card's count: the dashboard sends counts as decimal strings so they stay exact in the page (BigInt).</summary>
    static ulong? CountOf(JsonElement count) => count.ValueKind switch
    {
        JsonValueKind.String when ulong.TryParse(count.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        JsonValueKind.Number when count.TryGetUInt64(out var n) => n,
        _ => null,
    };
}
