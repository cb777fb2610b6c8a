using System.Net;

namespace Tally.Node.Tests;

public sealed class AdminApiTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A peer that never answers keeps a leaving node from finishing its leave.</summary>
    static readonly KeyValuePair<string, string?>[] UnreachablePeer = [new("Node:Peers:0", "http://127.0.0.1:9")];

    [Fact]
    public async Task Leave_RefusesViewsWith503_AndReportsLeaving()
    {
        await using var node = await InProcessNode.StartAsync(settings: UnreachablePeer);
        await node.Client.ViewAsync("v1");
        using var leave = await node.Client.SendAsync(node.Admin(HttpMethod.Post, "/admin/leave"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, leave.StatusCode);

        using var view = await node.Client.PostAsync("/videos/v1/views", null, Ct);
        Assert.Contains("leaving", await view.AssertProblemAsync(503));
        Assert.Equal("leaving", (await node.Client.GetJsonAsync("/cluster")).GetProperty("phase").GetString());
        using var health = await node.Client.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(1UL, (await node.Client.GetJsonAsync("/videos/v1")).U64("count"));
    }

    [Fact]
    public async Task Faults_AreSetListedAndHealed()
    {
        await using var node = await InProcessNode.StartAsync(settings: UnreachablePeer);
        using var set = await node.Client.SendAsync(node.Admin(HttpMethod.Post, "/admin/faults", Http.Json("""{"drop":["http://127.0.0.1:9/"]}""")), Ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        using var listed = await node.Client.SendAsync(node.Admin(HttpMethod.Get, "/admin/faults"), Ct);
        Assert.Equal(["http://127.0.0.1:9/"], (await listed.ReadJsonAsync()).GetProperty("drop").EnumerateArray().Select(e => e.GetString()));
        Assert.Single((await node.Client.GetJsonAsync("/cluster")).GetProperty("faults").EnumerateArray());

        using var healed = await node.Client.SendAsync(node.Admin(HttpMethod.Delete, "/admin/faults"), Ct);
        Assert.Empty((await healed.ReadJsonAsync()).GetProperty("drop").EnumerateArray());
    }

    [Fact]
    public async Task Faults_Answers400_ForUnknownPeerAndKeepsFaults()
    {
        await using var node = await InProcessNode.StartAsync();
        using var response = await node.Client.SendAsync(node.Admin(HttpMethod.Post, "/admin/faults", Http.Json("""{"drop":["nobody"]}""")), Ct);

        Assert.Contains("nobody", await response.AssertProblemAsync(400));
        Assert.Empty((await node.Client.GetJsonAsync("/cluster")).GetProperty("faults").EnumerateArray());
    }
}
