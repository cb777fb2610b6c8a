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
        new Dictionary<string, VideoInfo> { ["v"] = new("v", total, count, new Dictionary<string, long> { [id] = total }) },
        [new("v", count)]);

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
