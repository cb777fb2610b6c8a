using System.Net;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node.Tests;

/// <summary>Idempotency-Key over HTTP on an in-process node: retries while the first runs, after it finished, after a
/// restart (the key is read back from the store), and after a refusal.</summary>
public sealed class IdempotencyTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<HttpResponseMessage> SendAsync(InProcessNode node, string path, string json, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Http.Json(json) };
        request.Headers.Add("Idempotency-Key", key);
        return await node.Client.SendAsync(request, Ct);
    }

    static async Task<ulong> CountAsync(InProcessNode node, string video) => (await node.Client.GetJsonAsync($"/videos/{video}")).U64("count");

    [Fact]
    public async Task RecordView_CountsOnce_WhenRetriedConcurrently()
    {
        await using var node = await InProcessNode.StartAsync();
        node.Store.AppendDelay = TimeSpan.FromMilliseconds(50); // the retries arrive while the first is on its way to disk
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            using var response = await SendAsync(node, "/videos/v1/views", """{"amount":2}""", "order-42");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.ReadJsonAsync()).U64("total");
        }));

        Assert.All(answers, a => Assert.Equal(2UL, a));
        Assert.Equal(2UL, await CountAsync(node, "v1"));
        Assert.Equal(1, node.Store.Appends);
    }

    [Fact]
    public async Task RecordView_CountsOnce_WhenRetriedAfterTheFirstFinished()
    {
        await using var node = await InProcessNode.StartAsync();
        using var first = await SendAsync(node, "/videos/v1/views", """{"amount":2}""", "order-1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await node.Client.ViewAsync("v1", 5); // another request in between: the retry still answers the first total
        using var retry = await SendAsync(node, "/videos/v1/views", """{"amount":2}""", "order-1");

        var answer = await retry.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(2UL, answer.U64("total"));
        Assert.Equal(7UL, answer.U64("count"));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"), "a first answer is not a replay");
        Assert.Equal(7UL, await CountAsync(node, "v1"));
        Assert.Equal(2, node.Store.Appends);
    }

    [Fact]
    public async Task RecordView_WritesKeyInTheSameAppendAsItsViews()
    {
        await using var node = await InProcessNode.StartAsync();
        using var response = await SendAsync(node, "/videos/v1/views", """{"amount":3}""", "k-1");

        Assert.Equal(1, node.Store.Appends);
        var key = Assert.Single(node.Store.Keys);
        Assert.Equal("k-1", key.Key);
        Assert.Equal([3UL], key.Totals);
        Assert.Equal(Fingerprints.Of(ViewRequest.Add(VideoId.Parse("v1"), 3)), key.Fingerprint);
    }

    [Fact]
    public async Task RecordView_CountsOnce_WhenRetriedAfterRestart()
    {
        MemoryStateStore disk;
        await using (var node = await InProcessNode.StartAsync())
        {
            await node.Client.ViewAsync("v1", 4);
            using var first = await SendAsync(node, "/videos/v1/views", """{"amount":3}""", "after-restart");
            Assert.Equal(7UL, (await first.ReadJsonAsync()).U64("total"));
            disk = node.Store.Reopen();
        }
        await using var restarted = await InProcessNode.StartAsync(disk);
        using var retry = await SendAsync(restarted, "/videos/v1/views", """{"amount":3}""", "after-restart");
        using var changed = await SendAsync(restarted, "/videos/v1/views", """{"amount":4}""", "after-restart");

        var answer = await retry.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(7UL, answer.U64("total"));
        Assert.Equal(7UL, answer.U64("count"));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        await changed.AssertProblemAsync(422);
        Assert.Equal(7UL, await CountAsync(restarted, "v1"));
        Assert.Equal(0, restarted.Store.Appends);
    }

    [Fact]
    public async Task RecordBatch_CountsOnce_WhenRetriedAfterRestart()
    {
        const string Batch = """{"views":[{"videoId":"a","amount":2},{"videoId":"b"},{"videoId":"a","amount":3}]}""";
        MemoryStateStore disk;
        await using (var node = await InProcessNode.StartAsync())
        {
            using var first = await SendAsync(node, "/views", Batch, "batch-1");
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            disk = node.Store.Reopen();
        }
        await using var restarted = await InProcessNode.StartAsync(disk);
        using var retry = await SendAsync(restarted, "/views", Batch, "batch-1");

        var answer = await retry.ReadJsonAsync();
        var results = answer.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(6UL, answer.U64("views"));
        Assert.Equal([5UL, 1UL], results.Select(r => r.U64("total")));
        Assert.Equal(5UL, await CountAsync(restarted, "a"));
        Assert.Equal(1UL, await CountAsync(restarted, "b"));
        Assert.Equal(0, restarted.Store.Appends);
    }

    [Theory]
    [InlineData("/videos/v1/views", """{"amount":1}""", "/videos/v1/views", """{"amount":2}""")]
    [InlineData("/videos/v1/views", """{"amount":1}""", "/videos/v2/views", """{"amount":1}""")]
    [InlineData("/videos/v1/views", """{"amount":1}""", "/views", """{"views":[{"videoId":"v1"}]}""")]
    [InlineData("/views", """{"views":[{"videoId":"v1"}]}""", "/views", """{"views":[{"videoId":"v1","amount":2}]}""")]
    public async Task Record_Answers422AndCountsNothing_WhenKeyIsReusedForAnotherRequest(string path, string json, string otherPath, string otherJson)
    {
        await using var node = await InProcessNode.StartAsync();
        using var first = await SendAsync(node, path, json, "k1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var appends = node.Store.Appends;
        using var reused = await SendAsync(node, otherPath, otherJson, "k1");

        Assert.Contains("different request", await reused.AssertProblemAsync(422));
        Assert.Equal(appends, node.Store.Appends);
        Assert.Equal(1UL, await CountAsync(node, "v1"));
    }

    [Theory]
    [InlineData("/videos/v1/views", """{"amount":1}""")]
    [InlineData("/views", """{"views":[{"videoId":"v1"}]}""")]
    public async Task Record_Answers400AndCountsNothing_ForAMalformedKey_WhenKeysAreOff(string path, string json)
    {
        await using var node = await InProcessNode.StartAsync(settings: [new("Node:IdempotencyKeysMax", "0")]);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Http.Json(json) };
        Assert.True(request.Headers.TryAddWithoutValidation("Idempotency-Key", "has space"));
        using var response = await node.Client.SendAsync(request, Ct);

        Assert.Contains("Idempotency-Key", await response.AssertProblemAsync(400));
        Assert.Equal(0, node.Store.Appends);
        Assert.Equal(0UL, await CountAsync(node, "v1"));
    }

    [Fact]
    public async Task RecordView_ProcessesRetry_WhenFirstTryWasRefusedForStorage()
    {
        await using var node = await InProcessNode.StartAsync(settings: [new("Node:StorageProbeInterval", "00:00:00.020")]);
        node.Store.DiskFull = true;
        using var refused = await SendAsync(node, "/videos/v1/views", """{"amount":3}""", "try-again");
        await refused.AssertProblemAsync(503);
        node.Store.DiskFull = false;
        await StorageFailureTests.WaitHealthyAsync(node);

        using var retry = await SendAsync(node, "/videos/v1/views", """{"amount":3}""", "try-again");

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"), "a refused first try is not replayed");
        Assert.Equal(3UL, (await retry.ReadJsonAsync()).U64("total"));
        Assert.Equal(3UL, await CountAsync(node, "v1"));
    }
}
