using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>What one round and one received message of the gossip core produce besides the merge itself: the digest
/// root every <see cref="ReplicationOptions.AntiEntropyRounds"/> rounds, the empty delta that tells a peer it has
/// everything, the effects a host must act on (changes to store, a cluster id to store, name conflicts), and the
/// counters the node's metrics export.</summary>
public class GossipRoundTests
{
    static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly VideoId V = VideoId.Parse("v1");

    static ReplicaNode NewNode(ReplicationOptions? options = null, string[]? seeds = null, ClusterIdentity cluster = default, string id = "n0") =>
        new(ReplicaId.Parse(id), $"http://{id}", 1, options ?? new ReplicationOptions(), new FakeTimeProvider(Start), new Random(1), null, seeds ?? [], cluster);

    static MemberRecord Record(string id, long heartbeat = 1) => new(ReplicaId.Parse(id), $"http://{id}", 1, heartbeat, false);

    static GossipMessage Reply(string id, long heartbeat = 1) => new() { Kind = GossipKind.Reply, Sender = Record(id, heartbeat) };

    static void ApplyView(ReplicaNode node, string video, ulong amount)
    {
        var batch = new CounterMap();
        node.PrepareView(batch, VideoId.Parse(video), amount);
        node.ApplyOwn(batch);
    }

    [Fact]
    public void Tick_CarriesTheDigestRoot_EveryAntiEntropyRounds_ToAPeerThatAckedEverything()
    {
        var node = NewNode(new ReplicationOptions { AntiEntropyRounds = 3 });
        node.Receive(Reply("n1"));
        for (var round = 1; round <= 7; round++)
        {
            var push = Assert.Single(node.Tick().Messages).Message;
            Assert.True(push.HasDelta && push.Delta is null, $"round {round}: a peer that acked everything gets an empty delta");
            if (round % 3 == 0)
            {
                Assert.True(push.DigestRoot == node.State.Digest(new ReplicationOptions().DigestBuckets).Root,
                    $"round {round} is an anti-entropy round: the push must carry the digest root");
                Assert.Equal(node.State.Version, push.DigestVersion);
            }
            else
            {
                Assert.True(push.DigestRoot is null, $"round {round} is not an anti-entropy round, yet the push carried a root");
            }
            Assert.Null(push.DigestBuckets);
        }
        Assert.Equal(7, node.Round);
    }

    [Fact]
    public void Tick_CarriesNoDigestRoot_WhileThePeerStillMissesChanges()
    {
        var node = NewNode(new ReplicationOptions { AntiEntropyRounds = 1 });
        node.Receive(Reply("n1"));
        ApplyView(node, "v1", 2);
        var push = Assert.Single(node.Tick().Messages).Message;
        Assert.NotNull(push.Delta);
        Assert.True(push.DigestRoot is null, "a root only proves equality once the peer has acknowledged every change");
    }

    [Fact]
    public void Tick_SendsAnEmptyDeltaUpToItsVersion_ToAPeerThatAckedThatVersion()
    {
        var node = NewNode();
        ApplyView(node, "v1", 2);
        node.Receive(Reply("n1") with { AckIncarnation = node.Incarnation, AckVersion = node.State.Version });
        var push = Assert.Single(node.Tick().Messages).Message;
        Assert.True(push.HasDelta, "an empty delta still tells the peer it holds everything up to our version");
        Assert.Null(push.Delta);
        Assert.Equal((node.State.Version, node.State.Version), (push.DeltaBase, push.DeltaUpTo));
    }

    [Fact]
    public void Tick_PushesToASeed_WithoutADigestRoot()
    {
        var node = NewNode(new ReplicationOptions { AntiEntropyRounds = 1 }, seeds: ["http://seed"]);
        var push = Assert.Single(node.Tick().Messages).Message;
        Assert.Null(push.DigestRoot);
        Assert.True(push.HasDelta && push.DeltaBase == 0, "a seed gets everything since version 0");
    }

    [Fact]
    public void Receive_ReturnsTheChangedVideos_ForTheHostToStore()
    {
        var node = NewNode();
        var delta = CounterMap.Single(V, ReplicaId.Parse("n1"), 5);
        delta.Merge(CounterMap.Single(VideoId.Parse("v2"), ReplicaId.Parse("n1"), 1));
        var effects = node.Receive(Reply("n1") with { HasDelta = true, DeltaBase = 0, DeltaUpTo = 2, Delta = delta });
        Assert.NotNull(effects.Persist);
        Assert.True(effects.Persist.SameStateAs(delta), "the changed videos are what the host must append");
        Assert.Empty(effects.Messages);
        Assert.Equal(2, node.Stats.VideosChangedByMerge);
        Assert.Equal(2, node.Stats.DeltaVideosIn);

        var again = node.Receive(Reply("n1", heartbeat: 2) with { HasDelta = true, DeltaBase = 0, DeltaUpTo = 2, Delta = delta });
        Assert.Same(Effects.None, again);
        Assert.Equal(2, node.Stats.VideosChangedByMerge);
    }

    [Fact]
    public void Receive_AsksTheHostToStoreTheClusterId_OnlyWhenItIsAdopted()
    {
        var node = NewNode();
        var cluster = ClusterId.Parse("0000000001aaaaaa");
        var first = node.Receive(Reply("n1") with { ClusterId = cluster, ClusterProvisional = true });
        Assert.Equal(new ClusterIdentity(cluster, true), first.Cluster);
        Assert.Empty(first.Messages);
        Assert.Null(first.Persist);

        var again = node.Receive(Reply("n1", heartbeat: 2) with { ClusterId = cluster, ClusterProvisional = true });
        Assert.Same(Effects.None, again);

        var push = node.Receive(new GossipMessage { Kind = GossipKind.Push, Sender = Record("n1", 3), ClusterId = cluster, ClusterProvisional = true });
        Assert.Null(push.Cluster);
        Assert.Single(push.Messages);
    }

    [Fact]
    public void Receive_RefusesAndCounts_AMessageOfAnotherSettledCluster()
    {
        var node = NewNode(cluster: ClusterIdentity.Settled(ClusterId.Parse("prod")));
        var effects = node.Receive(Reply("n1") with { ClusterId = ClusterId.Parse("test") } with { HasDelta = true, Delta = CounterMap.Single(V, ReplicaId.Parse("n1"), 1) });
        Assert.NotNull(effects.Refused);
        Assert.Equal(0UL, node.State.EntryOf(V, ReplicaId.Parse("n1")));
        Assert.Equal(1, node.Stats.RefusedForeignCluster);
        Assert.Single(node.Members());
    }

    [Fact]
    public void Stats_CountRoundsMessagesAndDeltaVideos()
    {
        var node = NewNode(new ReplicationOptions { Fanout = 2 });
        node.Receive(Reply("n1"));
        node.Receive(Reply("n2"));
        ApplyView(node, "v1", 1);
        ApplyView(node, "v2", 1);
        ApplyView(node, "v3", 1);
        node.Tick();
        node.Tick();
        var answer = node.Receive(new GossipMessage { Kind = GossipKind.Push, Sender = Record("n1", 2) });
        Assert.Single(answer.Messages);

        var stats = node.Stats.Copy();
        Assert.Equal(2, node.Round);
        Assert.Equal(2, stats.Rounds);
        Assert.Equal(3, stats.MessagesIn);
        Assert.Equal(5, stats.MessagesOut);
        Assert.Equal(6, stats.DeltaVideosOut); // the 3 videos once to each peer: a delta not yet acknowledged is not repeated
    }

    [Fact]
    public void Members_FlagsOnlyItselfAsSelf_AndItselfAsSynced()
    {
        var node = NewNode();
        node.Receive(Reply("n1"));
        var members = node.Members();
        Assert.True(members[0].IsSelf && members[0].Synced, "the first member is this node, which holds all its own changes");
        Assert.Equal(node.Id, members[0].Id);
        Assert.False(members[1].IsSelf || members[1].Synced, "a peer that sent no delta is neither self nor synced");
    }

    [Fact]
    public void Constructor_Throws_ForAnEmptyAddressOrANonPositiveIncarnation()
    {
        var id = ReplicaId.Parse("n0");
        var time = new FakeTimeProvider(Start);
        Assert.Throws<ArgumentException>(() => new ReplicaNode(id, "", 1, new ReplicationOptions(), time, new Random(1), null, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplicaNode(id, "http://n0", 0, new ReplicationOptions(), time, new Random(1), null, []));
    }
}
