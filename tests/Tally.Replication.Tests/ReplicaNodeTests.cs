using Tally.Crdt;

namespace Tally.Replication.Tests;

public class ReplicaNodeTests
{
    static readonly VideoId V = VideoId.Parse("v1");

    static Mesh FiveNodes() => Mesh.Of("n1", "n2", "n3", "n4", "n5");

    static UInt128 Count(Harness node, VideoId video) => node.Replica.Read(video).Value;

    [Fact]
    public void Gossip_ConvergesToExactSum_AfterRandomViewsOnFiveNodes()
    {
        var cluster = FiveNodes();
        var random = new Random(7);
        ulong sent = 0;
        for (var i = 0; i < 200; i++)
        {
            var amount = (ulong)random.Next(1, 5);
            cluster.View($"n{random.Next(1, 6)}", $"v{random.Next(1, 4)}", amount);
            sent += amount;
        }
        for (var r = 0; r < 8; r++)
        {
            cluster.Round();
        }
        foreach (var node in cluster.Nodes.Values)
        {
            var count = Enumerable.Range(1, 3).Aggregate(UInt128.Zero, (s, v) => s + Count(node, VideoId.Parse($"v{v}")));
            Assert.True(count == sent, $"{node.Id} must count all {sent} views, counts {count}");
        }
    }

    [Fact]
    public void Join_CatchesUpThroughDigestRepair_WhenStateExceedsDeltaLimit()
    {
        var cluster = FiveNodes();
        cluster.Options.DeltaVideosMax = 10;
        for (var i = 0; i < 500; i++)
        {
            cluster.View($"n{i % 5 + 1}", $"video{i}");
        }
        for (var r = 0; r < 3; r++)
        {
            cluster.Round();
        }
        var joiner = cluster.Add("n6", withDisk: false, seeds: "n1");
        for (var r = 0; r < 6; r++)
        {
            cluster.Round();
        }
        Assert.True(joiner.Core.State.SameStateAs(cluster.Nodes["n1"].Core.State), "the joiner must hold the whole state");
        Assert.All(cluster.Nodes.Values, n => Assert.Contains(n.Replica.Members(), m => m.Id.Value == "n6"));
    }

    [Fact]
    public void LostDisk_StartsANewReplica_WhoseViewsAddToTheOldEntry()
    {
        var cluster = FiveNodes();
        cluster.View("n3", "v1", 41);
        for (var r = 0; r < 5; r++)
        {
            cluster.Round();
        }
        var old = cluster.Nodes["n3"].Id;
        var reborn = cluster.Add("n3", withDisk: false, seeds: ["n1", "n2"]);
        Assert.NotEqual(old, reborn.Id);
        Assert.Equal("n3", reborn.Replica.Name);

        cluster.View("n3", "v1", 2); // at once: no recovery wait, its entry is its own from zero
        Assert.Equal(2UL, reborn.Total("v1"));
        for (var r = 0; r < 5; r++)
        {
            cluster.Round();
        }
        foreach (var node in cluster.Nodes.Values)
        {
            Assert.True(Count(node, V) == 43, $"{node.Id} must count the old replica's 41 and the new one's 2, counts {Count(node, V)}");
            Assert.True(node.Replica.Read(V).EntryOf(old) == 41, $"{node.Id} must keep the old replica's entry forever");
        }
    }

    [Fact]
    public void Leave_CompletesOnlyAfterAPeerAcknowledgesEverything()
    {
        var cluster = FiveNodes();
        cluster.View("n2", "v1", 5);
        var leaver = cluster.Nodes["n2"];
        leaver.Leave();
        Assert.True(leaver.Core.IsLeaving, "no own commit is open, so the leave begins at once");
        Assert.False(leaver.Core.LeaveComplete, "nothing was handed off yet");
        Assert.Null(leaver.Exit);
        cluster.Round();
        Assert.True(leaver.Core.LeaveComplete, "a peer must have acknowledged the leaver's state after one round");
        Assert.True(leaver.Exit?.Reason == ExitReason.Left, "the replica must ask to exit once a peer acknowledged everything");
        cluster.Nodes.Remove("n2");
        for (var r = 0; r < 5; r++)
        {
            cluster.Round();
        }
        Assert.All(cluster.Nodes.Values, n => Assert.Equal((UInt128)5, Count(n, V)));
        Assert.All(cluster.Nodes.Values, n => Assert.Equal(MemberStatus.Left, n.Replica.Members().Single(m => m.Id.Value == "n2").Status));
    }

    [Fact]
    public void Gossip_IsCheapWhenIdle_RegardlessOfStateSize()
    {
        var cluster = FiveNodes();
        for (var i = 0; i < 20_000; i++)
        {
            cluster.View("n1", $"video{i}");
        }
        for (var r = 0; r < 15; r++)
        {
            cluster.Round();
        }
        var node = cluster.Nodes["n1"];
        Mesh.TickOnly(node);
        Assert.NotEmpty(node.Sent);
        Assert.All(node.Sent, m => Assert.True(GossipCodec.Encode(m.Message).Length < 1024,
            $"an idle push must stay under 1 KB, was {GossipCodec.Encode(m.Message).Length} bytes"));
    }
}
