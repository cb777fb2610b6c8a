using System.Net;
using System.Text.Json;

namespace Tally.Node.Tests;

/// <summary>A store that cannot write (disk full): views get 503 with Retry-After, /health says why, and the node
/// takes views again by itself once the store can write, with every acknowledged view counted exactly once.</summary>
public sealed class StorageFailureTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly KeyValuePair<string, string?>[] FastProbe = [new("Node:StorageProbeInterval", "00:00:00.020")];

    /// <summary>Waits (up to 60 s) until /health answers 200.</summary>
    internal static async Task WaitHealthyAsync(InProcessNode node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var health = await node.Client.GetAsync("/health", Ct);
            if (health.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
            last = await health.Content.ReadAsStringAsync(Ct);
            await Task.Delay(10, Ct);
        }
        Assert.Fail($"/health must turn 200 within 60 s once the store can write; last answer: {last}");
    }

    [Fact]
    public async Task RecordView_Answers503WithRetryAfter_AndHealthSaysWhy_WhileStorageCannotWrite()
    {
        await using var node = await InProcessNode.StartAsync(settings: FastProbe);
        await node.Client.ViewAsync("v1", 2);
        node.Store.DiskFull = true;

        using var first = await node.Client.PostAsync("/videos/v1/views", Http.Json("""{"amount":3}"""), Ct);
        var detail = await first.AssertProblemAsync(503);
        using var batch = await node.Client.PostAsync("/views", Http.Json("""{"views":[{"videoId":"v1"}]}"""), Ct);
        await batch.AssertProblemAsync(503);
        using var health = await node.Client.GetAsync("/health", Ct);
        var report = await health.ReadJsonAsync();

        Assert.Contains("disk", detail);
        Assert.Contains("No space left on device", detail);
        Assert.Equal("1", first.Headers.RetryAfter?.ToString());
        Assert.NotNull(batch.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var description = report.GetProperty("checks").GetProperty("replica").GetProperty("description").GetString();
        Assert.Contains("Storage unavailable", description);
        Assert.Contains("No space left on device", description);
        Assert.Equal(2UL, (await node.Client.GetJsonAsync("/videos/v1")).U64("count"));
    }

    [Fact]
    public async Task RecordView_TakesViewsAgain_OnceStorageCanWrite()
    {
        await using var node = await InProcessNode.StartAsync(settings: FastProbe);
        node.Store.DiskFull = true;
        using var refused = await node.Client.PostAsync("/videos/v1/views", Http.Json("""{"amount":3}"""), Ct);
        await refused.AssertProblemAsync(503);
        node.Store.DiskFull = false;

        await WaitHealthyAsync(node);
        var answer = await node.Client.ViewAsync("v1", 4);

        Assert.Equal(4UL, answer.U64("total"));
        Assert.Equal(4UL, node.Store.Disk.EntryOf(Crdt.VideoId.Parse("v1"), Crdt.ReplicaId.Parse("n1")));
    }

    [Fact]
    public async Task RecordView_CountsExactlyTheAcknowledgedViews_WhenTheDiskFillsAndEmptiesUnderLoad()
    {
        await using var node = await InProcessNode.StartAsync(settings: FastProbe);
        node.Store.AppendDelay = TimeSpan.FromMilliseconds(2); // commits overlap: a batch is prepared on one in flight
        long acknowledged = 0;
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 8).Select(async s =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                var amount = 1 + (s + i++) % 5;
                using var response = await node.Client.PostAsync("/videos/v1/views", Http.Json($$"""{"amount":{{amount}}}"""), Ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Add(ref acknowledged, amount);
                }
                else
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                }
            }
        }).ToList();
        for (var cycle = 0; cycle < 5; cycle++)
        {
            // Wait on what happened, not on a clock: some views counted, then some refused, then counted again.
            var before = Interlocked.Read(ref acknowledged);
            await WaitUntilAsync(() => Interlocked.Read(ref acknowledged) > before, "views are acknowledged");
            node.Store.DiskFull = true;
            var refusedBefore = node.Store.Refused;
            await WaitUntilAsync(() => node.Store.Refused > refusedBefore, "the full disk refuses an append");
            node.Store.DiskFull = false;
            await WaitHealthyAsync(node);
        }
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        var count = (await node.Client.GetJsonAsync("/videos/v1")).U64("count");
        Assert.Equal((ulong)acknowledged, count);
        Assert.Equal((ulong)acknowledged, node.Store.Disk.EntryOf(Crdt.VideoId.Parse("v1"), Crdt.ReplicaId.Parse("n1")));
    }

    [Fact]
    public async Task Gossip_Answers503_AndAppendsTheMergeOnceStorageCanWrite()
    {
        await using var node = await InProcessNode.StartAsync(settings: FastProbe);
        var video = Crdt.VideoId.Parse("from-n2");
        var n2Id = Crdt.ReplicaId.Parse("n2");
        var n2 = new Replication.ReplicaNode(n2Id, "http://127.0.0.1:2", 1, new Replication.ReplicationOptions(),
            TimeProvider.System, new Random(2), null, ["http://127.0.0.1:1"]);
        var batch = new Crdt.CounterMap();
        n2.PrepareView(batch, video, 7);
        n2.ApplyOwn(batch);
        var message = n2.Tick().Messages.First(m => m.Address == "http://127.0.0.1:1").Message;
        node.Store.DiskFull = true;

        using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/gossip") { Content = new ByteArrayContent(Replication.GossipCodec.Encode(message)) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", InProcessNode.ClusterKey);
        using var response = await node.Client.SendAsync(request, Ct);
        await response.AssertProblemAsync(503);
        Assert.Equal(0UL, node.Store.Disk.EntryOf(video, n2Id));

        // The merge is in memory; a peer resending it changes nothing, so the node itself must append it once it can.
        node.Store.DiskFull = false;
        await WaitUntilAsync(() => node.Store.Disk.EntryOf(video, n2Id) == 7, "the merge that failed to append is appended after the recovery");
    }

    static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what} within 60 s");
            await Task.Delay(2, Ct);
        }
    }
}
