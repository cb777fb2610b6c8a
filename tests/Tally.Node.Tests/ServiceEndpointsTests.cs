using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Tally.Node.Tests;

public sealed class ServiceEndpointsTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenApi_DescribesEveryPublicRoute()
    {
        await using var node = await InProcessNode.StartAsync();
        var paths = (await node.Client.GetJsonAsync("/openapi/v1.json")).GetProperty("paths");

        foreach (var path in new[] { "/videos/{videoId}/views", "/views", "/videos/{videoId}", "/videos", "/videos/{videoId}/total", "/cluster", "/health", "/alive", "/admin/leave", "/admin/faults" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"the OpenAPI document must describe {path}");
        }
    }

    [Fact]
    public async Task OpenApi_DescribesTheWriteAndReadLevels()
    {
        await using var node = await InProcessNode.StartAsync();
        var paths = (await node.Client.GetJsonAsync("/openapi/v1.json")).GetProperty("paths");

        foreach (var (path, method, name) in new[] { ("/videos/{videoId}/views", "post", "w"), ("/views", "post", "w"), ("/videos/{videoId}", "get", "r") })
        {
            var parameters = paths.GetProperty(path).GetProperty(method).GetProperty("parameters").EnumerateArray();
            var level = parameters.SingleOrDefault(p => p.GetProperty("name").GetString() == name);
            Assert.True(level.ValueKind == System.Text.Json.JsonValueKind.Object && level.GetProperty("in").GetString() == "query",
                $"the OpenAPI document must describe the query parameter {name} of {method} {path}");
            Assert.Contains("majority", level.GetProperty("description").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HealthAndAlive_AreUp_WhenReady()
    {
        await using var node = await InProcessNode.StartAsync();
        using var health = await node.Client.GetAsync("/health", Ct);
        using var alive = await node.Client.GetAsync("/alive", Ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Metrics_ExportsNodeInstruments()
    {
        await using var node = await InProcessNode.StartAsync();
        await node.Client.ViewAsync("v1", 3);
        // Wait for a gossip round to be exported (the rounds run on the node's timer), generously bounded.
        var text = await node.Client.GetStringAsync("/metrics", Ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!Regex.IsMatch(text, @"(?m)^tally_gossip_rounds_total\{[^}]*\} [1-9]"))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"a gossip round must be exported within 60 s:\n{text}");
            await Task.Delay(20, Ct);
            text = await node.Client.GetStringAsync("/metrics", Ct);
        }

        Assert.Matches(@"(?m)^tally_views_received_total\{[^}]*\} 3$", text);
        Assert.Matches(@"(?m)^tally_gossip_rounds_total\{[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^tally_storage_commit_duration_seconds_count\{[^}]*\} 1$", text);
        Assert.Matches(@"(?m)^tally_members\{[^}]*status=""alive""\} 1$", text);
        Assert.Matches(@"(?m)^tally_gossip_bytes_total|^tally_gossip_messages_total", text);
    }

    [Fact]
    public async Task EmptyDiskWithPeers_TakesViewsAtOnce_AsANewReplica()
    {
        // A lost disk restarted with peers that cannot be reached: no recovery wait, it is a new replica of n1.
        await using var node = await InProcessNode.StartAsync(new MemoryStateStore(), settings: [new("Node:Peers:0", "http://127.0.0.1:9")]);
        var view = await node.Client.ViewAsync("v1", 2);
        using var health = await node.Client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("n1", view.GetProperty("nodeId").GetString());
        var replica = view.GetProperty("replicaId").GetString()!;
        Assert.Matches("^n1~[0-9a-z]{10}$", replica);
        Assert.Equal(2UL, view.U64("total"));
        var video = await node.Client.GetJsonAsync("/videos/v1");
        Assert.Equal(2UL, video.GetProperty("replicas").GetProperty(replica).GetUInt64());
        Assert.Equal(2UL, video.GetProperty("names").GetProperty("n1").GetUInt64());
        var cluster = await node.Client.GetJsonAsync("/cluster");
        Assert.True(cluster.GetProperty("clusterId").ValueKind == System.Text.Json.JsonValueKind.Null,
            "a new node with peers has no cluster id until it hears from its cluster");
        Assert.Equal(replica, cluster.GetProperty("replicaId").GetString());
    }

    [Fact]
    public async Task NewNodeWithoutPeers_MakesAClusterId_AndKeepsItAcrossRestarts()
    {
        var store = new MemoryStateStore();
        string made;
        await using (var node = await InProcessNode.StartAsync(store))
        {
            made = (await node.Client.GetJsonAsync("/cluster")).GetProperty("clusterId").GetString()!;
            Assert.Matches("^[0-9a-z]{16}$", made);
        }
        await using var again = await InProcessNode.StartAsync(store);
        Assert.Equal(made, (await again.Client.GetJsonAsync("/cluster")).GetProperty("clusterId").GetString());
    }

    [Fact]
    public async Task Start_FailsWithClearMessage_ForInvalidOptions()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessNode.StartAsync(id: "bad id!",
            settings: [new("Node:Peers:0", "not-a-url"), new("Node:ClusterKey", "")]));

        Assert.Contains("--id", error.Message);
        Assert.Contains("not-a-url", error.Message);
        Assert.Contains("--cluster-key", error.Message);
    }
}
