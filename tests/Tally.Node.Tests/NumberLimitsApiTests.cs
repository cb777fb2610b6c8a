using System.Net;
using System.Net.Http.Headers;
using Tally.Crdt;

namespace Tally.Node.Tests;

/// <summary>The number domain through the API (docs/architecture.md, "Numbers"): every limit answers a ProblemDetails
/// and changes nothing, set_to can never stop a video from counting, gossip with entries at 2^64-1 is always merged,
/// and counts past 2^64 are written as exact JSON integers.</summary>
public sealed class NumberLimitsApiTests
{
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");
    static readonly VideoId V1 = VideoId.Parse("v1");

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static Task<HttpResponseMessage> SetTotalAsync(InProcessNode node, string video, string total) =>
        node.Client.SendAsync(node.Admin(HttpMethod.Put, $"/videos/{video}/total", Http.Json($$"""{"total": {{total}}}""")), Ct);

    static async Task<InProcessNode> StartWithAsync(params (string Replica, ulong Entry)[] entries)
    {
        var disk = new CounterMap();
        foreach (var (replica, entry) in entries)
        {
            disk.Join(V1, ReplicaId.Parse(replica), entry);
        }
        return await InProcessNode.StartAsync(new MemoryStateStore(disk));
    }

    [Fact]
    public async Task RecordView_Answers409AndCountsNothing_WhenTheEntryWouldPassEntryMax()
    {
        await using var node = await StartWithAsync(("n1", GCounter.EntryMax - 1));
        var appends = node.Store.Appends;

        using var refused = await node.Client.PostAsync("/videos/v1/views", Http.Json("""{"amount": 2}"""), Ct);

        Assert.Contains(GCounter.EntryMax.ToString(), await refused.AssertProblemAsync(409));
        Assert.True(node.Store.Appends == appends, "a refused view must write nothing");
        Assert.Equal(GCounter.EntryMax - 1, (await node.Client.GetJsonAsync("/videos/v1")).U64("total"));
        Assert.Equal(GCounter.EntryMax, (await node.Client.ViewAsync("v1")).U64("total"));
    }

    [Fact]
    public async Task RecordBatch_Answers409AndCountsNothing_WhenOneVideoWouldPassEntryMax()
    {
        await using var node = await StartWithAsync(("n1", GCounter.EntryMax - 1));

        using var response = await node.Client.PostAsync("/views", Http.Json("""{"views":[{"videoId":"b"},{"videoId":"v1","amount":2}]}"""), Ct);

        Assert.Contains("v1", await response.AssertProblemAsync(409));
        Assert.Equal(0UL, (await node.Client.GetJsonAsync("/videos/b")).U64("count"));
        Assert.Equal(GCounter.EntryMax - 1, (await node.Client.GetJsonAsync("/videos/v1")).U64("count"));
        Assert.Equal(1UL, (await node.Client.ViewAsync("b")).U64("total"));
    }

    [Fact]
    public async Task RecordView_CountsAndAnswersAnExactCount_WhenAnotherReplicaHoldsEntriesAtUlongMax()
    {
        await using var node = await StartWithAsync(("n2", ulong.MaxValue), ("n3", ulong.MaxValue));

        using var response = await node.Client.PostAsync("/videos/v1/views", Http.Json("""{"amount": 3}"""), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"a peer's huge entry must never turn a view away: {text}");
        Assert.Contains($"\"count\":{2 * (UInt128)ulong.MaxValue + 3}", text, StringComparison.Ordinal);
        Assert.Contains("\"total\":3", text, StringComparison.Ordinal);
        var page = await node.Client.GetStringAsync("/videos", Ct);
        Assert.Contains($"\"count\":{2 * (UInt128)ulong.MaxValue + 3}", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetTotal_Answers401_WithoutTheAdminToken_AndChangesNothing()
    {
        await using var node = await InProcessNode.StartAsync();

        using var anonymous = await node.Client.PutAsync("/videos/v1/total", Http.Json("""{"total": 5}"""), Ct);
        using var peer = new HttpRequestMessage(HttpMethod.Put, "/videos/v1/total") { Content = Http.Json("""{"total": 5}""") };
        peer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", InProcessNode.ClusterKey);
        using var withClusterKey = await node.Client.SendAsync(peer, Ct);

        await anonymous.AssertProblemAsync(401);
        await withClusterKey.AssertProblemAsync(401);
        Assert.Equal(0, (await node.Client.GetJsonAsync("/videos")).GetProperty("known").GetInt32());
    }

    [Fact]
    public async Task SetTotal_Answers400AndChangesNothing_AboveSetMax()
    {
        await using var node = await InProcessNode.StartAsync();

        foreach (var total in new[] { (GCounter.SetMax + 1).ToString(), ulong.MaxValue.ToString(), (ulong.MaxValue - 1).ToString() })
        {
            using var response = await SetTotalAsync(node, "v1", total);
            Assert.Contains(GCounter.SetMax.ToString(), await response.AssertProblemAsync(400));
        }

        Assert.Equal(0, node.Store.Appends);
        using var edge = await SetTotalAsync(node, "v1", GCounter.SetMax.ToString());
        Assert.Equal(GCounter.SetMax, (await edge.ReadJsonAsync()).U64("total"));
    }

    [Fact]
    public async Task SetTotal_Answers409AndChangesNothing_WhenTheCountWouldPassSetMax()
    {
        await using var node = await StartWithAsync(("n2", GCounter.SetMax - 10));

        using var refused = await SetTotalAsync(node, "v1", "11");
        Assert.Contains("count", await refused.AssertProblemAsync(409));
        Assert.Equal(0UL, (await node.Client.GetJsonAsync("/videos/v1")).U64("total"));

        using var taken = await SetTotalAsync(node, "v1", "10");
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Equal(GCounter.SetMax, (await taken.ReadJsonAsync()).U64("count"));
    }

    [Fact]
    public async Task SetTotal_NeverStopsAVideoFromCounting_AtTheLargestTotal()
    {
        // Scenario 4 of issue 8 without a partition: one PUT used to make every later view of the video 409.
        await using var node = await InProcessNode.StartAsync();
        using var raised = await SetTotalAsync(node, "v1", GCounter.SetMax.ToString());
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);

        for (var i = 1; i <= 3; i++)
        {
            var view = await node.Client.ViewAsync("v1", 1_000_000);
            Assert.Equal(GCounter.SetMax + (ulong)i * 1_000_000, view.U64("total"));
        }
        Assert.True(GCounter.EntryMax - GCounter.SetMax > 8_000_000_000_000_000, "a raise must leave room for more than 8 * 10^15 views");
    }

    [Fact]
    public async Task Gossip_IsMergedAndCountedExactly_WhenItCarriesEntriesAtUlongMax()
    {
        await using var node = await StartWithAsync(("n2", ulong.MaxValue));
        var delta = new CounterMap();
        delta.Join(V1, ReplicaId.Parse("n3"), ulong.MaxValue);
        delta.Join(VideoId.Parse("other"), ReplicaId.Parse("n3"), 4);
        using var request = PeerMessages.Post(PeerMessages.Push(delta, sender: "n3"));
        using var response = await node.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var video = await node.Client.GetStringAsync("/videos/v1", Ct);
        Assert.Contains($"\"count\":{2 * (UInt128)ulong.MaxValue}", video, StringComparison.Ordinal);
        var page = await node.Client.GetJsonAsync("/videos");
        Assert.Equal(2, page.GetProperty("known").GetInt32());
        Assert.Equal(N1.Value, page.GetProperty("nodeId").GetString());
    }
}
