using System.Net;

namespace Tally.Node.Tests;

public sealed class ViewsApiTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RecordView_CountsOneView_WhenBodyIsEmpty()
    {
        await using var node = await InProcessNode.StartAsync();
        using var response = await node.Client.PostAsync("/videos/v1/views", null, Ct);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v1", body.GetProperty("videoId").GetString());
        Assert.Equal("n1", body.GetProperty("nodeId").GetString());
        Assert.Equal(1UL, body.U64("total"));
        Assert.Equal(1UL, body.U64("count"));
    }

    [Fact]
    public async Task RecordView_AddsAmount_AndStoresItBeforeAnswering()
    {
        await using var node = await InProcessNode.StartAsync();
        await node.Client.ViewAsync("v1", 5);
        var body = await node.Client.ViewAsync("v1", 7);

        Assert.Equal(12UL, body.U64("total"));
        Assert.Equal(12UL, body.U64("count"));
        Assert.True(node.Store.Disk.EntryOf(Crdt.VideoId.Parse("v1"), Crdt.ReplicaId.Parse("n1")) == 12,
            "an acknowledged view must already be in storage");
    }

    [Fact]
    public async Task RecordView_SharesCommits_UnderConcurrency()
    {
        await using var node = await InProcessNode.StartAsync();
        node.Store.AppendDelay = TimeSpan.FromMilliseconds(20);
        var before = node.Store.Appends;
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => node.Client.ViewAsync("hot")));
        var video = await node.Client.GetJsonAsync("/videos/hot");

        Assert.Equal(100UL, video.U64("total"));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (ulong)i), answers.Select(a => a.U64("total")).Order());
        Assert.True(node.Store.Appends - before <= 50, $"views waiting for the disk must share commits; {node.Store.Appends - before} appends for 100 views");
        Assert.True(node.Store.Disk.EntryOf(Crdt.VideoId.Parse("hot"), Crdt.ReplicaId.Parse("n1")) == 100,
            "commits in flight together must chain their entries, so the disk holds every view");
    }

    [Fact]
    public async Task GetVideo_ReturnsZeros_ForUnknownVideo()
    {
        await using var node = await InProcessNode.StartAsync();
        var body = await node.Client.GetJsonAsync("/videos/never-seen");

        Assert.Equal(0UL, body.U64("total"));
        Assert.Equal(0UL, body.U64("count"));
        Assert.Empty(body.GetProperty("replicas").EnumerateObject());
    }

    [Fact]
    public async Task GetVideo_ListsEveryReplicaEntry()
    {
        var disk = new Crdt.CounterMap();
        disk.Increment(Crdt.VideoId.Parse("v1"), Crdt.ReplicaId.Parse("n2"), 4);
        await using var node = await InProcessNode.StartAsync(new MemoryStateStore(disk));
        await node.Client.ViewAsync("v1", 3);
        var body = await node.Client.GetJsonAsync("/videos/v1");

        Assert.Equal(3UL, body.U64("total"));
        Assert.Equal(7UL, body.U64("count"));
        Assert.Equal(3UL, body.GetProperty("replicas").U64("n1"));
        Assert.Equal(4UL, body.GetProperty("replicas").U64("n2"));
    }

    [Fact]
    public async Task SetTotal_RaisesEntry_AndRefusesLowerWith409()
    {
        await using var node = await InProcessNode.StartAsync();
        using var raised = await node.Client.SendAsync(node.Admin(HttpMethod.Put, "/videos/v1/total", Http.Json("""{"total": 10}""")), Ct);
        Assert.Equal(10UL, (await raised.ReadJsonAsync()).U64("total"));

        using var lower = await node.Client.SendAsync(node.Admin(HttpMethod.Put, "/videos/v1/total", Http.Json("""{"total": 9}""")), Ct);
        var detail = await lower.AssertProblemAsync(409);

        Assert.Contains("cannot be lowered", detail);
        Assert.Equal(10UL, (await node.Client.GetJsonAsync("/videos/v1")).U64("total"));
    }

    [Fact]
    public async Task SetTotal_ChangesNothing_WhenEqual()
    {
        await using var node = await InProcessNode.StartAsync();
        await node.Client.ViewAsync("v1", 4);
        using var same = await node.Client.SendAsync(node.Admin(HttpMethod.Put, "/videos/v1/total", Http.Json("""{"total": 4}""")), Ct);

        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(4UL, (await same.ReadJsonAsync()).U64("total"));
    }

    [Fact]
    public async Task RecordBatch_CommitsOnce_AndAnswersPerVideo()
    {
        await using var node = await InProcessNode.StartAsync();
        var appendsBefore = node.Store.Appends;
        var body = await node.Client.PostJsonAsync("/views",
            """{"views":[{"videoId":"a","amount":2},{"videoId":"b"},{"videoId":"a","amount":3}]}""");

        Assert.Equal(appendsBefore + 1, node.Store.Appends);
        Assert.Equal(6UL, body.U64("views"));
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["a", "b"], results.Select(r => r.GetProperty("videoId").GetString()));
        Assert.Equal(5UL, results[0].U64("total"));
        Assert.Equal(1UL, results[1].U64("count"));
    }

    [Fact]
    public async Task ListVideos_PagesInOrdinalOrder()
    {
        await using var node = await InProcessNode.StartAsync();
        foreach (var video in new[] { "c", "a", "e", "b", "d" })
        {
            await node.Client.ViewAsync(video);
        }
        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await node.Client.GetJsonAsync(after is null ? "/videos?limit=2" : $"/videos?limit=2&after={after}");
            Assert.Equal(5, page.GetProperty("known").GetInt32());
            seen.AddRange(page.GetProperty("videos").EnumerateArray().Select(v => v.GetProperty("videoId").GetString()!));
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);

        Assert.Equal(["a", "b", "c", "d", "e"], seen);
    }
}
