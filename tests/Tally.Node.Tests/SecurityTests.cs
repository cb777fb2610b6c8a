using System.Net.Http.Headers;

namespace Tally.Node.Tests;

/// <summary>Node-to-node routes need the cluster key and admin routes the admin token; anything else is 401.</summary>
public sealed class SecurityTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string?> Cases => new()
    {
        { "POST", "/internal/gossip", null },
        { "POST", "/internal/gossip", "wrong" },
        { "POST", "/internal/gossip", InProcessNode.AdminToken },
        { "POST", "/admin/leave", null },
        { "POST", "/admin/leave", "wrong" },
        { "POST", "/admin/leave", InProcessNode.ClusterKey },
        { "GET", "/admin/faults", null },
        { "POST", "/admin/faults", InProcessNode.ClusterKey },
        { "DELETE", "/admin/faults", "wrong" },
        { "PUT", "/videos/v1/total", null },
        { "PUT", "/videos/v1/total", "wrong" },
        { "PUT", "/videos/v1/total", InProcessNode.ClusterKey },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ProtectedRoute_Answers401_WithoutItsSecret(string method, string path, string? token)
    {
        await using var node = await InProcessNode.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent([1, 2, 3]) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await node.Client.SendAsync(request, Ct);

        var detail = await response.AssertProblemAsync(401);
        Assert.Contains("Bearer", detail);
        Assert.Equal("ready", (await node.Client.GetJsonAsync("/cluster")).GetProperty("phase").GetString());
    }

    [Fact]
    public async Task Gossip_Answers400_ForMalformedMessageWithTheKey()
    {
        await using var node = await InProcessNode.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/gossip") { Content = new ByteArrayContent([(byte)'T', (byte)'G', 1, 9, 0]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", InProcessNode.ClusterKey);
        using var response = await node.Client.SendAsync(request, Ct);

        Assert.Contains("gossip", await response.AssertProblemAsync(400));
    }

    [Fact]
    public async Task Gossip_Answers409AndMergesNothing_FromAnotherCluster()
    {
        await using var node = await InProcessNode.StartAsync(settings: [new("Node:ClusterId", "prod")]);
        var batch = new Tally.Crdt.CounterMap();
        batch.Increment(Tally.Crdt.VideoId.Parse("v1"), Tally.Crdt.ReplicaId.Parse("x1"), 9);
        var message = new Tally.Replication.GossipMessage
        {
            Kind = Tally.Replication.GossipKind.Push,
            Sender = new Tally.Replication.MemberRecord(Tally.Crdt.ReplicaId.Parse("x1"), "http://127.0.0.1:9", 1, 1, false),
            ClusterId = Tally.Crdt.ClusterId.Parse("test"),
            HasDelta = true,
            DeltaUpTo = 1,
            Delta = batch,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/gossip") { Content = new ByteArrayContent(Tally.Replication.GossipCodec.Encode(message)) };
        request.Content.Headers.ContentType = new("application/octet-stream");
        request.Headers.Authorization = new("Bearer", InProcessNode.ClusterKey);
        using var response = await node.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Contains("cluster 'test'", await response.AssertProblemAsync(409));
        Assert.Equal(0UL, (await node.Client.GetJsonAsync("/videos/v1")).U64("count"));
    }
}
