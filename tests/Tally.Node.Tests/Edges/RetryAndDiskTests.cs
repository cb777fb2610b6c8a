using System.Net;
using System.Text.Json;
using Tally.Node.Tests.Cluster;
using Tally.Storage.Tests;

namespace Tally.Node.Tests.Edges;

/// <summary>Real node processes: a retried view counts once after kill -9 and after a clean restart; a really full disk
/// answers 503 and recovers by itself, counting exactly what was acknowledged.</summary>
public sealed class RetryAndDiskTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<(HttpStatusCode Status, JsonElement Body, bool Replayed, string? RetryAfter)> PostAsync(
        HttpClient client, NodeProcess node, string path, string json, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, node.Url + path) { Content = Http.Json(json) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response.Headers.Contains("Idempotent-Replayed"),
            response.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Cluster_RetryAfterKillNineAndAfterCleanRestart_CountsOnce()
    {
        await using var cluster = new TestCluster();
        await cluster.StartAsync(1);
        var node = cluster["n1"];
        var firstTotals = new Dictionary<string, ulong>();
        for (var i = 1; i <= 20; i++)
        {
            var (status, body, replayed, _) = await PostAsync(cluster.Client, node, "/videos/v1/views", $$"""{"amount":{{i}}}""", $"key-{i}");
            Assert.True(status == HttpStatusCode.OK && !replayed, $"view {i}: {status} {body}");
            firstTotals[$"key-{i}"] = body.U64("total");
        }
        var batch = await PostAsync(cluster.Client, node, "/views", """{"views":[{"videoId":"v2","amount":3},{"videoId":"v3"}]}""", "batch-key");
        Assert.Equal(HttpStatusCode.OK, batch.Status);
        const ulong Expected = 210; // 1 + 2 + ... + 20

        foreach (var restart in new[] { "kill -9", "SIGTERM" })
        {
            if (restart == "kill -9")
            {
                node.Kill();
            }
            else
            {
                node.Terminate(); // writes a snapshot on the way out: the keys must survive it
                Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the node must stop on SIGTERM:\n{node.Output}");
            }
            node.Start();
            await node.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
            for (var i = 1; i <= 20; i++)
            {
                var (status, body, replayed, _) = await PostAsync(cluster.Client, node, "/videos/v1/views", $$"""{"amount":{{i}}}""", $"key-{i}");
                Assert.True(status == HttpStatusCode.OK, $"after {restart}, retry {i}: {status} {body}");
                Assert.True(replayed, $"after {restart}, retry {i} must be answered from the stored key");
                Assert.Equal(firstTotals[$"key-{i}"], body.U64("total"));
            }
            var retriedBatch = await PostAsync(cluster.Client, node, "/views", """{"views":[{"videoId":"v2","amount":3},{"videoId":"v3"}]}""", "batch-key");
            Assert.True(retriedBatch.Replayed, $"after {restart}, the batch retry must be answered from the stored key: {retriedBatch.Body}");
            Assert.Equal(Expected, (await cluster.GetAsync(node, "/videos/v1")).U64("count"));
            Assert.Equal(3UL, (await cluster.GetAsync(node, "/videos/v2")).U64("count"));
            Assert.Equal(1UL, (await cluster.GetAsync(node, "/videos/v3")).U64("count"));
        }
        // A new key still counts.
        var fresh = await PostAsync(cluster.Client, node, "/videos/v1/views", """{"amount":1}""", "key-new");
        Assert.Equal(Expected + 1, fresh.Body.U64("total"));
    }

    [Fact]
    public async Task Cluster_DiskFull_Answers503AndHealth503_ThenRecoversByItselfWithExactCounts()
    {
        await using var cluster = new TestCluster();
        var root = Path.Combine(Path.GetTempPath(), "tally-disk-tests", Guid.NewGuid().ToString("n"));
        var node = new NodeProcess("n1", root, [], TestCluster.Interval);
        node.Environment["TALLY_Node__StorageProbeInterval"] = "00:00:00.200";
        var disk = new SmallDisk(megabytes: 4, node.DataDirectory);
        try
        {
            node.Start();
            await node.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
            ulong acked = 0;
            for (var i = 0; i < 10; i++)
            {
                var (status, _, _, _) = await PostAsync(cluster.Client, node, "/videos/v1/views", """{"amount":2}""");
                Assert.Equal(HttpStatusCode.OK, status);
                acked += 2;
            }

            // Fill the disk, then send views until the log needs a block the disk does not have.
            disk.Fill();
            (HttpStatusCode Status, JsonElement Body, bool Replayed, string? RetryAfter) refused = default;
            for (var i = 0; i < 100_000 && refused.Status != HttpStatusCode.ServiceUnavailable; i++)
            {
                var answer = await PostAsync(cluster.Client, node, "/videos/v1/views", """{"amount":1}""", $"full-{i}");
                if (answer.Status == HttpStatusCode.OK)
                {
                    acked += 1;
                }
                else
                {
                    refused = answer;
                }
            }
            Assert.True(refused.Status == HttpStatusCode.ServiceUnavailable, $"a view on a full disk must get 503; got {refused.Status} {refused.Body}");
            Assert.Equal("1", refused.RetryAfter);
            Assert.Equal(503, refused.Body.GetProperty("status").GetInt32());
            Assert.Contains("No space left on device", refused.Body.GetProperty("detail").GetString());
            using (var health = await cluster.Client.GetAsync(node.Url + "/health", Ct))
            {
                var report = await health.Content.ReadAsStringAsync(Ct);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
                Assert.Contains("Storage unavailable", report);
                Assert.Contains("No space left on device", report);
            }
            var stillFull = await PostAsync(cluster.Client, node, "/views", """{"views":[{"videoId":"v1","amount":5}]}""");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stillFull.Status);
            Assert.Equal(acked, (await cluster.GetAsync(node, "/videos/v1")).U64("count"));

            // Room again: the node comes back by itself, without a restart.
            disk.Free();
            await node.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TimeSpan.FromSeconds(60));
            for (var i = 0; i < 10; i++)
            {
                var (status, body, _, _) = await PostAsync(cluster.Client, node, "/videos/v1/views", """{"amount":3}""");
                Assert.True(status == HttpStatusCode.OK, $"after the disk has room, views are taken: {status} {body}");
                acked += 3;
            }
            Assert.Equal(acked, (await cluster.GetAsync(node, "/videos/v1")).U64("count"));

            // What the disk holds is exactly what was acknowledged: no refused view replays after kill -9.
            node.Kill();
            node.Start();
            await node.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
            Assert.Equal(acked, (await cluster.GetAsync(node, "/videos/v1")).U64("count"));
        }
        finally
        {
            await node.DisposeAsync();
            disk.Dispose();
            Directory.Delete(root, recursive: true);
        }
    }
}
