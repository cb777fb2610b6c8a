using System.Net;
using Tally.Node.Tests.Cluster;

namespace Tally.Node.Tests;

/// <summary>Real <c>tally node</c> processes on 127.0.0.1: convergence, crashes, leave, join, partitions (lost disks and
/// names: <see cref="IdentityClusterTests"/>).
/// One test at a time (the assembly disables parallelization): each starts a handful of processes on 2 cores.</summary>
public sealed class ClusterTests
{
    static readonly string[] Videos = ["v1", "v2", "v3", "v4", "v5", "v6"];

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cluster_RandomViewsToFiveNodes_EveryNodeConvergesToExactSum()
    {
        await using var cluster = new TestCluster();
        await cluster.StartAsync(5);
        var load = new ViewLoad(cluster, cluster.Nodes, Videos, seed: 1);
        load.Start(workers: 8);
        await load.WaitForMoreAckedAsync(400);
        await load.StopAsync();

        Assert.True(load.UnknownTotal == 0 && load.Refused == 0,
            $"a healthy cluster acknowledges every view: {load.Refused} refused, {load.UnknownTotal} unknown of {load.Requests}");
        await cluster.WaitForAgreementAsync(cluster.Nodes, Videos, (video, count) => count == load.Acked(video));
        foreach (var node in cluster.Nodes)
        {
            foreach (var video in Videos)
            {
                var total = (await cluster.GetAsync(node, $"/videos/{video}")).GetProperty("total").GetUInt64();
                Assert.True(total == load.Acked(video, node.Id), $"{node.Id}'s total for {video} must equal the views it received");
            }
        }
    }

    [Fact]
    public async Task Cluster_KillNineUnderLoadAndRestart_LosesNoAcknowledgedView()
    {
        await using var cluster = new TestCluster();
        cluster.Environment["TALLY_Storage__SnapshotLogBytesMax"] = "2048"; // snapshots while views are committed
        await cluster.StartAsync(3);
        var victim = cluster["n2"];
        var load = new ViewLoad(cluster, cluster.Nodes, Videos, seed: 2);
        load.Start(workers: 8);
        await load.WaitForMoreAckedAsync(150, victim); // enough log for a few snapshots under load
        var ackedByVictim = Videos.ToDictionary(v => v, v => load.Acked(v, victim.Id));
        var failedBefore = load.NotAckedBy(victim);
        victim.Kill();
        await load.WaitUntilAsync(l => l.NotAckedBy(victim) > failedBefore, "a request to the killed n2 fails");
        victim.Start();
        await victim.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
        await load.WaitForMoreAckedAsync(50, victim);
        await load.StopAsync();

        // Every acknowledged view is counted; a view whose connection died may or may not be (acked <= final <= acked + unknown).
        var counts = await cluster.WaitForAgreementAsync(cluster.Nodes, Videos,
            (video, count) => count >= load.Acked(video) && count <= load.Acked(video) + load.Unknown(video));
        Assert.True(load.AckedTotal > 0, "the load must have been acknowledged at all");
        foreach (var video in Videos)
        {
            var total = (await cluster.GetAsync(victim, $"/videos/{video}")).GetProperty("total").GetUInt64();
            Assert.True(total >= ackedByVictim[video], $"the restarted node must keep every view it acknowledged before kill -9 ({video}: {total} < {ackedByVictim[video]})");
            Assert.InRange(counts[video], load.Acked(video), load.Acked(video) + load.Unknown(video));
        }
    }

    [Fact]
    public async Task Node_StoppedWithSigtermAndRestarted_KeepsItsStateFromTheSnapshot()
    {
        await using var cluster = new TestCluster();
        await cluster.StartAsync(1);
        var node = cluster["n1"];
        var load = new ViewLoad(cluster, cluster.Nodes, Videos, seed: 8);
        load.Start(workers: 4);
        await load.WaitForMoreAckedAsync(200);
        await load.StopAsync();

        node.Terminate();
        Assert.True(await node.WaitForExitAsync(TestCluster.StartTimeout), $"SIGTERM stops the node:\n{node.Output}");
        Assert.True(node.ExitCode == 0, $"a stop on SIGTERM is clean (exit code {node.ExitCode}):\n{node.Output}");
        Assert.NotEmpty(Directory.GetFiles(node.DataDirectory, "snapshot-*"));
        node.Start();
        await node.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);

        foreach (var video in Videos)
        {
            var body = await cluster.GetAsync(node, $"/videos/{video}");
            Assert.True(body.GetProperty("total").GetUInt64() == load.Acked(video), $"{video}: a restart keeps every acknowledged view");
        }
    }

    [Fact]
    public async Task Cluster_GracefulLeaveUnderLoad_LosesNothing()
    {
        await using var cluster = new TestCluster();
        await cluster.StartAsync(3);
        var leaver = cluster["n3"];
        var load = new ViewLoad(cluster, cluster.Nodes, Videos, seed: 3);
        load.Start(workers: 8);
        await load.WaitForMoreAckedAsync(100, leaver);
        using (var leave = await cluster.AdminAsync(leaver, HttpMethod.Post, "/admin/leave"))
        {
            Assert.Equal(HttpStatusCode.Accepted, leave.StatusCode);
        }
        Assert.True(await leaver.WaitForExitAsync(TestCluster.ConvergeTimeout), $"a leaving node exits once a peer acknowledged its state:\n{leaver.Output}");
        Assert.Equal(0, leaver.ExitCode);
        await load.WaitForMoreAckedAsync(50); // the others go on taking views after the leaver is gone
        await load.StopAsync();

        var stay = cluster.Nodes.Where(n => n != leaver).ToList();
        await cluster.WaitForAgreementAsync(stay, Videos,
            (video, count) => count >= load.Acked(video) && count <= load.Acked(video) + load.Unknown(video));
        var status = (await cluster.GetAsync(stay[0], "/cluster")).GetProperty("members").EnumerateArray()
            .Single(m => m.GetProperty("id").GetString() == leaver.Id).GetProperty("status").GetString();
        Assert.Equal("left", status);
        foreach (var video in Videos)
        {
            var entry = (await cluster.GetAsync(stay[0], $"/videos/{video}")).GetProperty("names");
            var kept = entry.TryGetProperty(leaver.Id, out var e) ? e.GetUInt64() : 0;
            Assert.True(kept >= load.Acked(video, leaver.Id), $"the views the leaver acknowledged stay counted ({video})");
        }
    }

    [Fact]
    public async Task Cluster_NewNodeJoinsThroughOnePeer_CatchesUpAndIsKnownToAll()
    {
        await using var cluster = new TestCluster();
        await cluster.StartAsync(2);
        var load = new ViewLoad(cluster, cluster.Nodes, Videos, seed: 4);
        load.Start(workers: 4);
        await load.WaitForMoreAckedAsync(200);
        await load.StopAsync();

        var joiner = cluster.Add("n3", cluster["n1"]);
        await joiner.WaitForHealthAsync(cluster.Client, HttpStatusCode.OK, TestCluster.StartTimeout);
        await cluster.WaitForAgreementAsync(cluster.Nodes, Videos, (video, count) => count == load.Acked(video));
        var deadline = DateTime.UtcNow + TestCluster.ConvergeTimeout;
        while (true)
        {
            var members = (await cluster.GetAsync(cluster["n2"], "/cluster")).GetProperty("members").EnumerateArray()
                .Select(m => m.GetProperty("id").GetString()).ToList();
            if (members.Contains("n3"))
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "n2 must learn of the joiner through gossip");
            await Task.Delay(TestCluster.Interval, Ct);
        }
    }

    [Fact]
    public async Task Cluster_PartitionThroughFaultsRoute_BothSidesCountAndConvergeAfterHeal()
    {
        await using var cluster = new TestCluster();
        await cluster.StartAsync(4);
        var left = cluster.Nodes.Take(2).ToList();
        var right = cluster.Nodes.Skip(2).ToList();
        await cluster.PartitionAsync(left, right);
        var leftLoad = new ViewLoad(cluster, left, Videos, seed: 6);
        var rightLoad = new ViewLoad(cluster, right, Videos, seed: 7);
        leftLoad.Start(workers: 3);
        rightLoad.Start(workers: 3);
        await leftLoad.WaitForMoreAckedAsync(150);
        await rightLoad.WaitForMoreAckedAsync(150);
        await leftLoad.StopAsync();
        await rightLoad.StopAsync();

        Assert.True(leftLoad.Refused + rightLoad.Refused == 0 && leftLoad.UnknownTotal + rightLoad.UnknownTotal == 0,
            "both sides of a partition keep accepting views");
        await cluster.WaitForAgreementAsync(left, Videos, (video, count) => count == leftLoad.Acked(video));
        await cluster.WaitForAgreementAsync(right, Videos, (video, count) => count == rightLoad.Acked(video));

        await cluster.HealAsync(cluster.Nodes);
        await cluster.WaitForAgreementAsync(cluster.Nodes, Videos, (video, count) => count == leftLoad.Acked(video) + rightLoad.Acked(video));
    }
}
