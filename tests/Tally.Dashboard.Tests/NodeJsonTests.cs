using System.Text.Json;
using System.Text.Json.Nodes;
using Tally.Dashboard.Nodes;

namespace Tally.Dashboard.Tests;

/// <summary>Reading the node's answers as <c>tally node</c> writes them (ISSUE3 §Public API).</summary>
public sealed class NodeJsonTests
{
    [Fact]
    public void ParseCluster_ReadsMembersWithSelfStatusAndLastExchange_FromNodeAnswer()
    {
        var json = JsonNode.Parse("""
            {"nodeId":"n1","address":"http://127.0.0.1:8001","incarnation":1,"phase":"ready","round":5,"digest":"a7","version":0,
             "videos":0,"faults":[],"members":[
              {"id":"n1","address":"http://127.0.0.1:8001","status":"alive","self":true,"lastExchange":null},
              {"id":"n2","address":"http://127.0.0.1:8002","status":"suspect","self":false,"lastExchange":"2026-11-26T06:37:33.0053935+00:00"}]}
            """)!;
        var cluster = NodeJson.ParseCluster(json);
        Assert.Equal("n1", cluster.NodeId);
        Assert.Equal(2, cluster.Members.Count);
        Assert.True(cluster.Members[0].IsSelf);
        var n2 = cluster.Members[1];
        Assert.Equal(("n2", "http://127.0.0.1:8002", "suspect", false), (n2.Id, n2.Url, n2.Status, n2.IsSelf));
        Assert.Equal(DateTimeOffset.Parse("2026-11-26T06:37:33.0053935+00:00"), n2.LastExchange);
    }

    [Fact]
    public void ParseCluster_ReadsIdentityFields_OfTheContract()
    {
        var json = JsonNode.Parse("""
            {"nodeId":"n1","name":"n1","clusterId":"c-1","replicaId":"r-1","nameConflict":true,"phase":"Recovering","members":[
              {"id":"n1","name":"n1","replicaId":"r-1","address":"http://127.0.0.1:8001","status":"alive","nameConflict":true},
              {"id":"n1","name":"n1","replicaId":"r-2","address":"http://127.0.0.1:8002","status":"alive","nameConflict":true}]}
            """)!;
        var cluster = NodeJson.ParseCluster(json);
        Assert.Equal(("c-1", "r-1", "recovering", true), (cluster.ClusterId, cluster.ReplicaId, cluster.Phase, cluster.NameConflict));
        // Two members share the name n1: the replica id tells which one is this node.
        Assert.Equal([true, false], cluster.Members.Select(m => m.IsSelf));
        Assert.Equal("r-2", cluster.Members[1].ReplicaId);
    }

    [Fact]
    public void ParseVideo_ReadsTotalCountAndReplicas_FromNodeAnswer()
    {
        var video = NodeJson.ParseVideo(JsonNode.Parse("""{"videoId":"v","nodeId":"n2","total":0,"count":3,"replicas":{"n1":3}}""")!, "v");
        Assert.Equal((0, 3), ((long)video.Total, (long)video.Count));
        Assert.Equal(3, video.Replicas["n1"]);
    }

    [Fact]
    public void ParseCluster_ReadsReplicaAndClusterIdsAndNameConflicts_FromNodeAnswer()
    {
        var json = JsonNode.Parse("""
            {"nodeId":"n2","name":"n2","replicaId":"n2~abcdefghij","clusterId":"prod","nameConflict":true,"members":[
              {"id":"n2","name":"n2","replicaId":"n2~abcdefghij","nameConflict":true,"address":"http://a","status":"alive","self":true},
              {"id":"n2","name":"n2","replicaId":"n2~0123456789","nameConflict":true,"address":"http://b","status":"alive","self":false},
              {"id":"n1","name":"n1","replicaId":"n1~zzzzzzzzzz","nameConflict":false,"address":"http://c","status":"down","self":false}]}
            """)!;
        var cluster = NodeJson.ParseCluster(json);
        Assert.Equal(("n2~abcdefghij", "prod", true), (cluster.ReplicaId, cluster.ClusterId, cluster.NameConflict));
        Assert.Equal(["n2~abcdefghij", "n2~0123456789", "n1~zzzzzzzzzz"], cluster.Members.Select(m => m.ReplicaId));
        Assert.Equal([true, true, false], cluster.Members.Select(m => m.NameConflict));
    }

    [Fact]
    public void ParseVideo_ReadsEntriesPerReplicaAndPerName_AsExactCounts()
    {
        var video = NodeJson.ParseVideo(JsonNode.Parse(
            """{"videoId":"v","nodeId":"n2","replicaId":"n2~0123456789","total":0,"count":18446744073709551618,"replicas":{"n1":18446744073709551615,"n1~abcdefghij":3},"names":{"n1":18446744073709551618}}""")!, "v");
        Assert.Equal(3, video.Replicas["n1~abcdefghij"]);
        Assert.Equal(System.Numerics.BigInteger.Parse("18446744073709551618", System.Globalization.CultureInfo.InvariantCulture), video.Names["n1"]);
        Assert.Equal(video.Names["n1"], video.Count);
    }

    [Fact]
    public void ParseVideoPage_ReadsVideosAndNextCursor()
    {
        var (videos, next) = NodeJson.ParseVideoPage(JsonNode.Parse(
            """{"nodeId":"n1","known":3,"videos":[{"videoId":"a","total":1,"count":4},{"videoId":"b","total":0,"count":9}],"next":"b"}""")!);
        Assert.Equal(["a", "b"], videos.Select(v => v.VideoId));
        Assert.Equal(9, videos[1].Count);
        Assert.Equal("b", next);
    }

    [Fact]
    public void ParseCluster_Throws_WhenNodeIdMissing() =>
        Assert.Throws<JsonException>(() => NodeJson.ParseCluster(JsonNode.Parse("""{"members":[]}""")!));

    [Fact]
    public void ParseVideo_Throws_WhenCountIsNotANumber() =>
        Assert.Throws<JsonException>(() => NodeJson.ParseVideo(JsonNode.Parse("""{"total":1,"count":"many"}""")!, "v"));
}
