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
    public async Task EmptyDiskWithPeers_RefusesViewsWith503_UntilRecovered()
    {
        await using var node = await InProcessNode.StartAsync(new MemoryStateStore(), settings: [new("Node:Peers:0", "http://127.0.0.1:9")]);
        using var view = await node.Client.PostAsync("/videos/v1/views", null, Ct);
        using var health = await node.Client.GetAsync("/health", Ct);
        using var alive = await node.Client.GetAsync("/alive", Ct);

        Assert.Contains("recovering", await view.AssertProblemAsync(503));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(0, node.Store.Appends);
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
