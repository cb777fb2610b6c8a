using System.Net;
using System.Text.Json;
using Tally.Node.Tests.Cluster;

namespace Tally.Node.Tests;

/// <summary>Issue 8, scenarios 1 to 3 on real nodes: a replica is a data directory, not a name; and a cluster has an id.</summary>
public sealed class IdentityClusterTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<JsonElement> ViewAsync(TestCluster cluster, NodeProcess node, string video, int amount)
    {
        using var response = await cluster.Client.PostAsync($"{node.Url}/videos/{video}/views", Http.Json($$"""{"amount":{{amount}}}"""), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{node.Id} must take {amount} views: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    static async Task WaitForCountAsync(TestCluster cluster, NodeProcess node, string video, ulong count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await cluster.GetAsync(node, $"/videos/{video}")).GetProperty("count").GetUInt64() != count)
        {
            Assert.True(clock.Elapsed < TestCluster.ConvergeTimeout, $"{node.Id} must reach a count of {count}:\n{node.Output}");
            await Task.Delay(TestCluster.Interval, Ct);
        }
    }

    static void DeleteData(NodeProcess node)
    {
        if (Directory.Exists(node.DataDirectory))
        {
            Directory.Delete(node.DataDirectory, recursive: true);
        }
    }

    /// <summary>Scenario 1. On main n1 was ready with the stale total 5 from n3, took 3 views (total 8), and every node
    /// settled at 15 once n2 came back: 3 acknowledged views were gone.</summary>
    [Fact]
    public async Task Cluster_LostDiskWhileTheNewestCopyIsOnAStoppedPeer_CountsEveryView()
    {
        await using var cluster = new TestCluster();
        await cluster.StartAsync(3);
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
        await ViewAsync(cluster, n1, "v1", 5);
        await cluster.WaitForAgreementAsync(cluster.Nodes, ["v1"], (_, count) => count == 5);
        await cluster.PartitionAsync([n3], [n1, n2]);
        await ViewAsync(cluster, n1, "v1", 10);
        await WaitForCountAsync(cluster, n2, "v1", 15);
        var old = (await cluster.GetAsync(n1, "/cluster")).GetProperty("replicaId").GetString()!;

        n1.Kill();
        DeleteData(n1);
        n2.Terminate();
        Assert.True(await n2.WaitForExitAsync(TimeSpan.FromSeconds(20)), $"n2 stops on SIGTERM:\n{n2.Output}");
        await cluster.HealAsync([n3]);
        n1.Start();
        await n1.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
        await WaitForCountAsync(cluster, n1, "v1", 5); // learned from stale n3
        var answer = await ViewAsync(cluster, n1, "v1", 3);
        var reborn = answer.GetProperty("replicaId").GetString()!;
        Assert.True(reborn != old && answer.GetProperty("nodeId").GetString() == "n1",
            $"the empty directory must be a new replica of n1, was {old}, is {reborn}");
        Assert.Equal(3UL, answer.GetProperty("total").GetUInt64());

        n2.Start();
        await n2.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
        await cluster.WaitForAgreementAsync(cluster.Nodes, ["v1"], (_, count) => count == 18);
        var video = await cluster.GetAsync(n3, "/videos/v1");
        Assert.Equal(15UL, video.GetProperty("replicas").GetProperty(old).GetUInt64());
        Assert.Equal(3UL, video.GetProperty("replicas").GetProperty(reborn).GetUInt64());
        Assert.Equal(18UL, video.GetProperty("names").GetProperty("n1").GetUInt64());
    }

    /// <summary>Scenario 2. On main n1, restarted without peers on an empty disk, counted 2 views from zero under its old
    /// id and both nodes settled at 6 of 8 acknowledged.</summary>
    [Fact]
    public async Task Cluster_LostDiskOnANodeWithoutPeers_CountsEveryView()
    {
        await using var cluster = new TestCluster();
        cluster.Environment.Remove("TALLY_CLUSTER_ID"); // n1 has no peers and makes the cluster id
        var n1 = cluster.Add("n1");
        await n1.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
        var made = (await cluster.GetAsync(n1, "/cluster")).GetProperty("clusterId").GetString();
        Assert.False(string.IsNullOrEmpty(made), "a first node without peers makes a cluster id");
        await ViewAsync(cluster, n1, "v1", 6);
        var n2 = cluster.Add("n2", n1);
        await n2.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
        await WaitForCountAsync(cluster, n2, "v1", 6);
        Assert.Equal(made, (await cluster.GetAsync(n2, "/cluster")).GetProperty("clusterId").GetString());

        n1.Kill();
        DeleteData(n1);
        n1.Start();
        await n1.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
        var answer = await ViewAsync(cluster, n1, "v1", 2);
        Assert.Equal(2UL, answer.GetProperty("total").GetUInt64());

        await cluster.WaitForAgreementAsync([n1, n2], ["v1"], (_, count) => count == 8);
        Assert.Equal(made, (await cluster.GetAsync(n1, "/cluster")).GetProperty("clusterId").GetString());
    }

    /// <summary>Scenario 3. On main two live processes named n2 shared one entry: 10 views acknowledged, 6 counted,
    /// nothing logged.</summary>
    [Fact]
    public async Task Cluster_TwoLiveProcessesWithOneName_CountBothAndReportTheConflict()
    {
        await using var cluster = new TestCluster();
        await cluster.StartAsync(3);
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        var copy = cluster.Add("n2", dataName: "n2-copy", n1, cluster["n3"]);
        await copy.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
        var first = await ViewAsync(cluster, n2, "v1", 4);
        var second = await ViewAsync(cluster, copy, "v1", 6);
        Assert.NotEqual(first.GetProperty("replicaId").GetString(), second.GetProperty("replicaId").GetString());

        await cluster.WaitForAgreementAsync(cluster.Nodes, ["v1"], (_, count) => count == 10);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var view = await cluster.GetAsync(n1, "/cluster");
            var flagged = view.GetProperty("members").EnumerateArray()
                .Count(m => m.GetProperty("name").GetString() == "n2" && m.GetProperty("nameConflict").GetBoolean());
            using var health = await cluster.Client.GetAsync($"{n2.Url}/health", Ct);
            var status = (await health.ReadJsonAsync()).GetProperty("status").GetString();
            if (flagged == 2 && health.StatusCode == HttpStatusCode.OK && status == "Degraded")
            {
                break;
            }
            Assert.True(clock.Elapsed < TestCluster.ConvergeTimeout,
                $"n1 must flag both n2 replicas ({flagged}) and n2's /health must be 200 Degraded ({(int)health.StatusCode} {status})");
            await Task.Delay(TestCluster.Interval, Ct);
        }
        Assert.True((await cluster.GetAsync(n2, "/cluster")).GetProperty("nameConflict").GetBoolean(), "n2 reports its own name in conflict");
        Assert.False((await cluster.GetAsync(n1, "/cluster")).GetProperty("nameConflict").GetBoolean(), "n1's own name is not in conflict");
        using var metrics = await cluster.Client.GetAsync($"{n1.Url}/metrics", Ct);
        Assert.Matches(@"(?m)^tally_name_conflicts(\{[^}]*\})? 1$", await metrics.Content.ReadAsStringAsync(Ct));
        Assert.Contains("Name conflict", n2.Output, StringComparison.Ordinal);
        Assert.Equal(10UL, (await cluster.GetAsync(n1, "/videos/v1")).GetProperty("names").GetProperty("n2").GetUInt64());
    }

    [Fact]
    public async Task Cluster_NodeOfAnotherCluster_IsRefusedWith409AndNothingIsMerged()
    {
        await using var cluster = new TestCluster();
        cluster.Environment["TALLY_CLUSTER_ID"] = "prod";
        var prod = cluster.Add("p1");
        await prod.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
        cluster.Environment["TALLY_CLUSTER_ID"] = "test";
        var stray = cluster.Add("t1", prod); // a copied peer list points it at the other cluster
        await stray.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
        await ViewAsync(cluster, stray, "v1", 7);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var metrics = await cluster.Client.GetAsync($"{prod.Url}/metrics", Ct);
            if (System.Text.RegularExpressions.Regex.IsMatch(await metrics.Content.ReadAsStringAsync(Ct), @"(?m)^tally_gossip_refused_total\{[^}]*reason=""cluster""[^}]*\} [1-9]"))
            {
                break;
            }
            Assert.True(clock.Elapsed < TestCluster.ConvergeTimeout, $"p1 must count refused gossip:\n{prod.Output}");
            await Task.Delay(TestCluster.Interval, Ct);
        }
        Assert.Equal(0UL, (await cluster.GetAsync(prod, "/videos/v1")).GetProperty("count").GetUInt64());
        Assert.DoesNotContain((await cluster.GetAsync(prod, "/cluster")).GetProperty("members").EnumerateArray(),
            m => m.GetProperty("name").GetString() == "t1");
        Assert.Contains("cluster 'test'", prod.Output, StringComparison.Ordinal);
    }
}
