using System.Numerics;
using Tally.Dashboard.Nodes;
using Tally.Dashboard.State;
using Tally.Dashboard.Supervision;

namespace Tally.Dashboard.Tests;

/// <summary>The card rules without a cluster: status, lag, top videos and which controls the page offers.</summary>
public sealed class UpdateBuilderTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    const string A = "http://127.0.0.1:8001", B = "http://127.0.0.1:8002", C = "http://127.0.0.1:8003";

    static NodeState Node(string url, string id, long total, long count, params (string Id, string Url, string Status)[] peers) => new(
        url, id, true, null, Now,
        new ClusterInfo(id, [new(id, url, "alive", null, true), .. peers.Select(p => new MemberInfo(p.Id, p.Url, p.Status, Now.AddMilliseconds(-300), false))]),
        new Dictionary<string, VideoInfo> { ["v"] = new("v", total, count, new Dictionary<string, BigInteger> { [id] = total }) },
        [new("v", count)]);

    static NodeState WithCluster(NodeState s, string clusterId, string? phase = "ready") =>
        s with { Cluster = s.Cluster! with { ClusterId = clusterId, ReplicaId = "r-" + s.Id, Phase = phase } };

    static NodeCard Card(DashboardUpdate u, string key) => u.Nodes.Single(n => n.Key == key);

    [Fact]
    public void Build_LagIsDistanceToHighestCount_WhenNodesDisagree()
    {
        var u = UpdateBuilder.Build("v", [Node(A, "n1", 5, 9, ("n2", B, "alive")), Node(B, "n2", 4, 7, ("n1", A, "alive"))],
            new HashSet<string>(), null, Now, 10);
        Assert.Equal(0, Card(u, "n1").Lag);
        Assert.Equal(2, Card(u, "n2").Lag);
        Assert.Equal(300, Card(u, "n1").LastGossipAgoMs);
        Assert.Equal(9, Assert.Single(u.Top).Count);
    }

    [Fact]
    public void Build_LagAgainstMergedEntries_WhenAPartitionedNodeHasTheHighestCount()
    {
        // n1 holds its own 2 views, n3 (cut off) its own 3: each misses the other's, though n3's count is the highest.
        var u = UpdateBuilder.Build("v", [Node(A, "n1", 2, 2), Node(C, "n3", 3, 3)], new HashSet<string> { C }, null, Now, 10);
        Assert.Equal(5, u.MergedCount);
        Assert.Equal(2, Card(u, "n3").Lag);
        Assert.Equal(3, Card(u, "n1").Lag);
    }

    [Fact]
    public void Build_NoLagClaim_WhenNodeLeftOrIsDown()
    {
        var supervised = new List<SupervisedNode>
        {
            new("n1", A, "/d/n1", NodeProcessState.Running, 10, null, Now.AddMinutes(-1), 1),
            new("n2", B, "/d/n2", NodeProcessState.Left, null, 0, Now.AddMinutes(-1), 1),
            new("n3", C, "/d/n3", NodeProcessState.Crashed, null, 137, Now.AddMinutes(-1), 1),
        };
        var u = UpdateBuilder.Build("v", [Node(A, "n1", 1, 3), Node(B, "n2", 1, 1) with { Reachable = false }, Node(C, "n3", 1, 1) with { Reachable = false }],
            new HashSet<string>(), supervised, Now, 10);
        Assert.Equal(0, Card(u, "n1").Lag);
        Assert.Null(Card(u, "n2").Lag);
        Assert.Null(Card(u, "n3").Lag);
    }

    [Fact]
    public void Build_StatusStarting_UntilRestartedNodeAnswers()
    {
        var started = Now.AddSeconds(-3);
        var supervised = new List<SupervisedNode> { new("n2", B, "/d/n2", NodeProcessState.Running, 42, null, started, 2) };
        var stale = Node(B, "n2", 1, 1) with { Reachable = false, Error = "Connection refused", LastSeen = started.AddSeconds(-20) };
        var u = UpdateBuilder.Build("v", [Node(A, "n1", 1, 1, ("n2", B, "down")), stale], new HashSet<string>(), supervised, Now, 10);
        Assert.Equal("starting", Card(u, "n2").Status);
        Assert.Null(Card(u, "n2").Lag);

        var answered = Node(B, "n2", 1, 1) with { LastSeen = Now };
        u = UpdateBuilder.Build("v", [Node(A, "n1", 1, 1, ("n2", B, "alive")), answered], new HashSet<string>(), supervised, Now, 10);
        Assert.Equal("alive", Card(u, "n2").Status);
    }

    [Fact]
    public void Build_RestartedNodeThatLeft_NotShownLeftOnPeersWord()
    {
        // The peers still remember its leave; the node itself answers, ready: it is back.
        var supervised = new List<SupervisedNode> { new("n2", B, "/d/n2", NodeProcessState.Running, 42, null, Now.AddSeconds(-5), 2) };
        var back = WithCluster(Node(B, "n2", 1, 1), "c1");
        var u = UpdateBuilder.Build("v", [WithCluster(Node(A, "n1", 1, 1, ("n2", B, "left")), "c1"), back], new HashSet<string>(), supervised, Now, 10);
        Assert.NotEqual("left", Card(u, "n2").Status);
        Assert.DoesNotContain("leaving", Card(u, "n2").Detail ?? "");
    }

    [Fact]
    public void Build_StatusLeaving_WhenNodeSaysSo()
    {
        var u = UpdateBuilder.Build("v", [WithCluster(Node(A, "n1", 1, 1), "c1", "leaving")], new HashSet<string>(), null, Now, 10);
        Assert.Equal("leaving", Card(u, "n1").Status);
    }

    [Fact]
    public void Build_NodeOfAnotherCluster_ShownForeignAndNotMerged()
    {
        var u = UpdateBuilder.Build("v",
            [WithCluster(Node(A, "n1", 2, 2), "c1"), WithCluster(Node(B, "n2", 3, 3), "c1"), WithCluster(Node(C, "n3", 50, 50), "c2")],
            new HashSet<string>(), null, Now, 10);
        Assert.Equal("c1", u.ClusterId);
        Assert.Equal("foreign", Card(u, "n3").Status);
        Assert.Null(Card(u, "n3").Replicas);
        Assert.Equal(5, u.MergedCount);
        Assert.DoesNotContain(u.Top, t => t.Count == 50);

        // Its old answer is not a status once it stops answering: it is down, and its entries stay out.
        u = UpdateBuilder.Build("v",
            [WithCluster(Node(A, "n1", 2, 2), "c1"), WithCluster(Node(C, "n3", 50, 50), "c2") with { Reachable = false, Error = "refused" }],
            new HashSet<string>(), null, Now, 10);
        Assert.Equal("down", Card(u, "n3").Status);
        Assert.Equal(2, u.MergedCount);
    }

    [Fact]
    public void Build_CountsBeyondLong_StayExact()
    {
        var huge = BigInteger.Parse("36893488147419103230", System.Globalization.CultureInfo.InvariantCulture); // 2 * 2^64 - 2
        var u = UpdateBuilder.Build("v", [Node(A, "n1", 0, 0) with
        {
            Videos = new Dictionary<string, VideoInfo> { ["v"] = new("v", huge, huge, new Dictionary<string, BigInteger> { ["n1"] = huge }) },
        }], new HashSet<string>(), null, Now, 10);
        Assert.Equal(huge, Card(u, "n1").Count);
        Assert.Equal(huge, u.MergedCount);
    }

    [Fact]
    public void Build_SharedName_GetsDistinctCardKeys()
    {
        var u = UpdateBuilder.Build("v", [Node(A, "n1", 1, 1), Node(B, "n1", 1, 1)], new HashSet<string>(), null, Now, 10);
        Assert.Equal(["n1@127.0.0.1:8001", "n1@127.0.0.1:8002"], u.Nodes.Select(n => n.Key));
    }

    [Fact]
    public void Build_StatusDown_WhenNodeDoesNotAnswer()
    {
        var dead = Node(C, "n3", 1, 1) with { Reachable = false, Error = "Connection refused" };
        var u = UpdateBuilder.Build("v", [Node(A, "n1", 1, 2, ("n3", C, "alive")), dead], new HashSet<string>(), null, Now, 10);
        Assert.Equal("down", Card(u, "n3").Status);
        Assert.Equal("Connection refused", Card(u, "n3").Detail);
    }

    [Fact]
    public void Build_StatusLeft_WhenAPeerReportsLeft()
    {
        var gone = Node(C, "n3", 1, 1) with { Reachable = false };
        var u = UpdateBuilder.Build("v", [Node(A, "n1", 1, 2, ("n3", C, "left")), gone], new HashSet<string>(), null, Now, 10);
        Assert.Equal("left", Card(u, "n3").Status);
    }

    [Fact]
    public void Build_StatusSuspect_WhenMostPeersDoubtAReachableNode()
    {
        var u = UpdateBuilder.Build("v",
            [Node(A, "n1", 1, 1, ("n3", C, "suspect")), Node(B, "n2", 1, 1, ("n3", C, "down")), Node(C, "n3", 1, 1)],
            new HashSet<string>(), null, Now, 10);
        Assert.Equal("suspect", Card(u, "n3").Status);
        Assert.Equal("alive", Card(u, "n1").Status);
    }

    [Fact]
    public void Build_StatusPartitioned_OverridesPeerViews()
    {
        var u = UpdateBuilder.Build("v", [Node(A, "n1", 1, 1, ("n2", B, "down")), Node(B, "n2", 1, 1, ("n1", A, "down"))],
            new HashSet<string> { B }, null, Now, 10);
        Assert.Equal("partitioned", Card(u, "n2").Status);
        Assert.True(Card(u, "n2").Partitioned);
    }

    [Fact]
    public void Build_CrashedProcess_ShownDownWithReason()
    {
        var supervised = new List<SupervisedNode>
        {
            new("n1", A, "/d/n1", NodeProcessState.Running, 10, null),
            new("n2", B, "/d/n2", NodeProcessState.Crashed, null, 137),
        };
        var u = UpdateBuilder.Build("v", [Node(A, "n1", 1, 1), Node(B, "n2", 1, 1)], new HashSet<string>(), supervised, Now, 10);
        Assert.Equal("down", Card(u, "n2").Status);
        Assert.Contains("crashed", Card(u, "n2").Detail);
        Assert.Equal("crashed", Card(u, "n2").Process);
        Assert.Equal("supervised", u.Mode);
        Assert.True(u.Controls.Crash && u.Controls.Add && u.Controls.Restart);
    }

    [Fact]
    public void Build_WithoutSupervisor_OffersOnlyHttpControls()
    {
        var u = UpdateBuilder.Build("v", [Node(A, "n1", 1, 1)], new HashSet<string>(), null, Now, 10);
        Assert.Equal("external", u.Mode);
        Assert.False(u.Controls.Add || u.Controls.Crash || u.Controls.Restart, "add, crash and restart need tally up");
        Assert.True(u.Controls.Remove && u.Controls.Partition, "remove and partition go through the nodes' HTTP API");
    }

    [Fact]
    public void Build_CardsInNaturalOrder_WhenTenOrMoreNodes()
    {
        var u = UpdateBuilder.Build("v", [Node("http://h:10", "n10", 0, 0), Node("http://h:2", "n2", 0, 0)], new HashSet<string>(), null, Now, 10);
        Assert.Equal(["n2", "n10"], u.Nodes.Select(n => n.Key));
    }
}
