using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Anti-entropy step by step between two gossip cores: a differing root asks for the whole digest, a digest
/// is answered with the differing buckets' videos and a request for the sender's, equal digests or a complete repair
/// mark the peer synced, and each owed part is sent once.</summary>
public class RepairExchangeTests
{
    static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    static ReplicaNode NewNode(string id) =>
        new(ReplicaId.Parse(id), id, 1, new ReplicationOptions { DigestBuckets = 16 }, new FakeTimeProvider(Start), new Random(1), null, []);

    static void ApplyViews(ReplicaNode node, int videos)
    {
        var batch = new CounterMap();
        for (var i = 0; i < videos; i++)
        {
            node.PrepareView(batch, VideoId.Parse($"v{i}"), 1);
        }
        node.ApplyOwn(batch);
    }

    static GossipMessage Hello(ReplicaNode from) =>
        new() { Kind = GossipKind.Reply, Sender = new MemberRecord(from.Id, from.Address, from.Incarnation, 1, false) };

    static MemberView ViewOf(ReplicaNode node, ReplicaNode peer) => node.Members().Single(m => m.Id == peer.Id);

    [Fact]
    public void ADifferingRoot_IsAnsweredWithTheWholeDigest_Once()
    {
        var (a, b) = (NewNode("a"), NewNode("b"));
        ApplyViews(a, 5);
        var root = Hello(a) with { DigestRoot = a.State.Digest(16).Root, DigestVersion = a.State.Version };

        var answer = Assert.Single(b.Receive(root).Messages).Message;

        Assert.Equal(GossipKind.Push, answer.Kind); // a reply that leaves work owed is followed by a push
        Assert.Equal(b.State.Digest(16).Buckets.ToArray(), answer.DigestBuckets);
        Assert.Equal(1, b.Stats.DigestsOut);
        Assert.Null(Assert.Single(b.Tick().Messages).Message.DigestBuckets); // owed once, sent once
        Assert.Equal(1, b.Stats.DigestsOut);
    }

    [Fact]
    public void AnEqualRoot_MarksThePeerSynced_AndAsksForNothing()
    {
        var (a, b) = (NewNode("a"), NewNode("b"));
        var effects = b.Receive(Hello(a) with { DigestRoot = b.State.Digest(16).Root, DigestVersion = 0 });
        Assert.Empty(effects.Messages);
        Assert.True(ViewOf(b, a).Synced, "equal roots prove b holds all of a's state");
    }

    [Fact]
    public void ADigest_IsAnsweredWithTheDifferingVideosAndARequestForTheSenders_AndTheRepairSyncsTheSender()
    {
        var (a, b) = (NewNode("a"), NewNode("b"));
        ApplyViews(a, 5);
        var digest = Hello(b) with { Kind = GossipKind.Push, DigestBuckets = b.State.Digest(16).Buckets.ToArray(), DigestVersion = 0 };

        var reply = Assert.Single(a.Receive(digest).Messages).Message;

        Assert.NotNull(reply.Repair);
        Assert.Equal(5, reply.Repair.Count);
        Assert.True(reply.RepairComplete, "every differing bucket fits one message");
        Assert.Equal(reply.RepairBuckets, reply.WantBuckets);
        Assert.NotEmpty(reply.WantBuckets!);
        Assert.Equal(5, a.Stats.RepairVideosOut);

        b.Receive(reply);
        Assert.True(b.State.SameStateAs(a.State), "the repair must bring b to a's state");
        Assert.True(ViewOf(b, a).Synced, "a complete repair syncs b with a");
        Assert.Equal(a.State.Version, ViewOf(b, a).HeldVersion);
    }

    [Fact]
    public void AnEqualDigest_IsAnsweredWithoutVideosOrWants_AndSyncsThePeer()
    {
        var (a, b) = (NewNode("a"), NewNode("b"));
        var digest = Hello(b) with { Kind = GossipKind.Push, DigestBuckets = b.State.Digest(16).Buckets.ToArray(), DigestVersion = 0 };

        var reply = Assert.Single(a.Receive(digest).Messages).Message;

        Assert.Null(reply.Repair);
        Assert.Null(reply.WantBuckets);
        Assert.Empty(reply.RepairBuckets!);
        Assert.True(ViewOf(a, b).Synced, "equal digests prove a holds all of b's state");
    }
}
