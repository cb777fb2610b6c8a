using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Tally.Crdt;
using Tally.Node.Tests.Cluster;
using Tally.Replication.Tests;

namespace Tally.Node.Tests;

/// <summary>Corrupted gossip sent with the valid cluster key (issue 8, scenario 6: 433 of 1,500 used to be merged):
/// every copy is a 400 ProblemDetails counted in <c>tally.gossip.refused</c>, and the node's state does not change.
/// The codec-level test in Tally.Replication.Tests covers 2,000 copies; these send a sample through a node.</summary>
public sealed partial class GossipCorruptionTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("""(?m)^tally_gossip_refused_total\{[^}]*reason="checksum"[^}]*\} (\d+)""")]
    private static partial Regex ChecksumFailures();

    /// <summary>Sends <paramref name="copies"/> corrupted copies of <paramref name="message"/>; returns their statuses.</summary>
    static async Task<Dictionary<int, int>> SendCorruptedAsync(HttpClient client, byte[] message, int copies, int seed,
        string baseUrl, string clusterKey)
    {
        var random = new Random(seed);
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < copies; i++)
        {
            var (kind, corrupted) = Corruption.Apply(message, random);
            using var request = PeerMessages.Post(corrupted, baseUrl, clusterKey);
            using var response = await client.SendAsync(request, Ct);
            var detail = await response.AssertProblemAsync(400);
            Assert.True(detail.Contains("checksum", StringComparison.Ordinal), $"copy {i} ({kind}) must fail its checksum: {detail}");
            statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
        }
        return statuses;
    }

    [Fact]
    public async Task Gossip_Answers400AndMergesNothing_ForCorruptedCopiesOfARealMessage()
    {
        await using var node = await InProcessNode.StartAsync();
        await node.Client.ViewAsync("mine", 2);
        var before = await node.Client.GetStringAsync("/videos", Ct);
        var message = PeerMessages.Push(PeerMessages.SampleDelta());
        const int copies = 300;

        var statuses = await SendCorruptedAsync(node.Client, message, copies, seed: 6, baseUrl: "", InProcessNode.ClusterKey);

        Assert.Equal(copies, statuses[400]);
        Assert.Equal(before, await node.Client.GetStringAsync("/videos", Ct));
        var clock = Stopwatch.StartNew();
        var seen = -1L;
        while (seen != copies && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var match = ChecksumFailures().Match(await node.Client.GetStringAsync("/metrics", Ct));
            seen = match.Success ? long.Parse(match.Groups[1].Value) : -1;
            if (seen != copies)
            {
                await Task.Delay(200, Ct); // the exporter caches a scrape for a moment
            }
        }
        Assert.True(seen == copies, $"tally.gossip.refused{{reason=checksum}} must count every refused copy: {seen} of {copies}");

        using var original = await node.Client.SendAsync(PeerMessages.Post(message), Ct);
        Assert.Equal(HttpStatusCode.NoContent, original.StatusCode);
        Assert.Equal(13, (await node.Client.GetJsonAsync("/videos")).GetProperty("known").GetInt32());
    }

    [Fact]
    public async Task Cluster_CorruptedGossipToARealNode_IsRefusedAndNothingMerged()
    {
        await using var cluster = new TestCluster();
        await cluster.StartAsync(1);
        var node = cluster["n1"];
        using (var view = await cluster.Client.PostAsync(node.Url + "/videos/mine/views", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        }
        var before = await cluster.GetAsync(node, "/cluster");
        var message = PeerMessages.Push(PeerMessages.SampleDelta());
        const int copies = 150;

        var statuses = await SendCorruptedAsync(cluster.Client, message, copies, seed: 7, node.Url, NodeProcess.ClusterKey);

        Assert.Equal(copies, statuses[400]);
        var after = await cluster.GetAsync(node, "/cluster");
        Assert.True(after.GetProperty("version").GetInt64() == before.GetProperty("version").GetInt64() && after.GetProperty("videos").GetInt32() == 1,
            $"no corrupted copy may change the node's state: version {before.GetProperty("version")} -> {after.GetProperty("version")}, videos {after.GetProperty("videos")}");
        using var original = await cluster.Client.SendAsync(PeerMessages.Post(message, node.Url, NodeProcess.ClusterKey), Ct);
        Assert.Equal(HttpStatusCode.NoContent, original.StatusCode);
        Assert.Equal(13, (await cluster.GetAsync(node, "/cluster")).GetProperty("videos").GetInt32());
        Assert.Equal(6_000_000_042UL, (await cluster.GetAsync(node, "/videos/video-0")).GetProperty("count").GetUInt64());
    }
}
