using System.Net;
using Tally.Crdt;
using Tally.Node.Tests.Cluster;

namespace Tally.Node.Tests;

/// <summary>Issue 8, scenario 4, on real <c>tally node</c> processes: totals at the edge of the number domain on both
/// sides of a partition converge after the heal, every node keeps listing every video and taking views, and a
/// graceful leave finishes. It used to wedge: a merge threw, the digests differed forever and leave never ended.</summary>
public sealed class NumberEdgeClusterTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<HttpResponseMessage> SetTotalAsync(TestCluster cluster, NodeProcess node, string video, string total) =>
        await cluster.AdminAsync(node, HttpMethod.Put, $"/videos/{video}/total", $$"""{"total": {{total}}}""");

    static async Task ViewAsync(TestCluster cluster, NodeProcess node, string video, int amount)
    {
        using var response = await cluster.Client.PostAsync($"{node.Url}/videos/{video}/views", Http.Json($$"""{"amount": {{amount}}}"""), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"a view of {video} at {node.Id} must be taken: {(int)response.StatusCode} {body}");
    }

    [Fact]
    public async Task Cluster_TotalsAtTheEdgeOnBothSidesOfAPartition_ConvergeAndKeepCounting()
    {
        await using var cluster = new TestCluster();
        await cluster.StartAsync(3);
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
        await cluster.PartitionAsync([n1], [n2, n3]);

        using (var past = await SetTotalAsync(cluster, n1, "v", ulong.MaxValue.ToString()))
        {
            Assert.Contains(GCounter.SetMax.ToString(), await past.AssertProblemAsync(400));
        }
        using (var anonymous = await cluster.Client.PutAsync($"{n1.Url}/videos/v/total", Http.Json("""{"total": 5}"""), Ct))
        {
            await anonymous.AssertProblemAsync(401);
        }
        using (var edge = await SetTotalAsync(cluster, n1, "v", GCounter.SetMax.ToString()))
        {
            Assert.Equal(HttpStatusCode.OK, edge.StatusCode);
        }
        using (var small = await SetTotalAsync(cluster, n2, "v", "100"))
        {
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        }
        await ViewAsync(cluster, n1, "v", 3);
        await ViewAsync(cluster, n3, "v", 2);
        await ViewAsync(cluster, n3, "other", 7);
        await cluster.HealAsync(cluster.Nodes);

        var expected = GCounter.SetMax + 100 + 3 + 2;
        await cluster.WaitForAgreementAsync(cluster.Nodes, ["v", "other"], (video, count) => count == (video == "v" ? expected : 7));
        foreach (var node in cluster.Nodes)
        {
            await ViewAsync(cluster, node, "v", 1);
            var page = await cluster.GetAsync(node, "/videos");
            Assert.True(page.GetProperty("known").GetInt32() == 2 && page.GetProperty("videos").GetArrayLength() == 2,
                $"{node.Id} must list both videos: {page}");
        }
        await cluster.WaitForAgreementAsync(cluster.Nodes, ["v"], (_, count) => count == expected + 3);

        using (var leave = await cluster.AdminAsync(n3, HttpMethod.Post, "/admin/leave"))
        {
            Assert.Equal(HttpStatusCode.Accepted, leave.StatusCode);
        }
        Assert.True(await n3.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"a leaving node exits once a peer acknowledged its state:\n{n3.Output}");
        Assert.Equal(0, n3.ExitCode);
    }

    [Fact]
    public async Task Cluster_SetTotalAtTheLargestValue_LeavesEveryNodeTakingViews()
    {
        await using var cluster = new TestCluster();
        await cluster.StartAsync(2);
        using (var raised = await SetTotalAsync(cluster, cluster["n1"], "v", GCounter.SetMax.ToString()))
        {
            Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        }
        await cluster.WaitForAgreementAsync(cluster.Nodes, ["v"], (_, count) => count == GCounter.SetMax);

        foreach (var node in cluster.Nodes)
        {
            await ViewAsync(cluster, node, "v", 1_000_000);
        }

        await cluster.WaitForAgreementAsync(cluster.Nodes, ["v"], (_, count) => count == GCounter.SetMax + 2_000_000);
    }
}
