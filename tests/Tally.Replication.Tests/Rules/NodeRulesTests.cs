using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Rules of the gossip core that the flow tests pass through without checking: when a leave is complete, a
/// second call to begin it, the move past an earlier start's incarnation, the root a reply never carries, a message
/// that names this node as its sender, and the order and change of the name conflicts it reports.</summary>
public class NodeRulesTests
{
    static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly VideoId V = VideoId.Parse("v1");

    static (ReplicaNode Node, FakeTimeProvider Time) NewNode(string id = "n0", ReplicationOptions? options = null, ClusterIdentity cluster = default)
    {
        var time = new FakeTimeProvider(Start);
        return (new ReplicaNode(ReplicaId.Parse(id), id, 1, options ?? new ReplicationOptions(), time, new Random(1), null, [], cluster), time);
    }

    static MemberRecord Record(string id, long heartbeat = 1, long incarnation = 1) => new(ReplicaId.Parse(id), id, incarnation, heartbeat, false);

    static GossipMessage Reply(string id, long heartbeat = 1) => new() { Kind = GossipKind.Reply, Sender = Record(id, heartbeat) };

    /// <summary>A reply from <paramref name="id"/> saying it holds all of <paramref name="node"/>'s state.</summary>
    static GossipMessage AckAll(ReplicaNode node, string id, long heartbeat = 1) =>
        Reply(id, heartbeat) with { AckIncarnation = node.Incarnation, AckVersion = node.State.Version };

    static void ApplyView(ReplicaNode node, string video, ulong amount)
    {
        var batch = new CounterMap();
        node.PrepareView(batch, VideoId.Parse(video), amount);
        node.ApplyOwn(batch);
    }

    [Fact]
    public void LeaveComplete_IsFalse_WhenTheNodeIsNotLeaving()
    {
        var (node, _) = NewNode();
        ApplyView(node, "v1", 1);
        node.Receive(AckAll(node, "n1"));
        Assert.False(node.LeaveComplete, "a node that is not leaving has no leave to complete, whatever its peers hold");
        node.BeginLeave();
        Assert.True(node.LeaveComplete);
    }

    [Fact]
    public void LeaveComplete_CountsASuspectPeer_ButNotADownOne()
    {
        var options = new ReplicationOptions();
        var (node, time) = NewNode(options: options);
        ApplyView(node, "v1", 1);
        node.BeginLeave();
        node.Receive(AckAll(node, "n1"));
        Assert.True(node.LeaveComplete);

        time.Advance(options.SuspectAfter);
        Assert.True(node.LeaveComplete, "a suspect peer may only be slow: what it acknowledged is held");
        time.Advance(options.DownAfter - options.SuspectAfter);
        Assert.False(node.LeaveComplete, "a down peer may be gone with what it acknowledged");
    }

    [Fact]
    public void BeginLeave_KeepsTheVersionToHandOver_WhenCalledAgainAfterAMerge()
    {
        var (node, _) = NewNode();
        ApplyView(node, "v1", 1);
        node.BeginLeave();
        node.Receive(AckAll(node, "n1"));
        // A peer's change merged while leaving is not ours to hand over: it raises our version, not what must be acknowledged.
        node.Receive(Reply("n2") with { HasDelta = true, DeltaUpTo = 1, Delta = CounterMap.Single(V, ReplicaId.Parse("n2"), 3) });
        Assert.Equal(2, node.State.Version);

        node.BeginLeave();

        Assert.True(node.LeaveComplete, "n1 acknowledged everything this node held when it began to leave");
        Assert.Equal(MemberStatus.Left, node.Members()[0].Status);
    }

    [Fact]
    public void Receive_StartsEveryPeerOver_WhenAnEarlierStartOfThisNodeHadAGreaterIncarnation()
    {
        var (node, _) = NewNode();
        ApplyView(node, "v1", 2);
        node.Receive(AckAll(node, "n1"));
        ApplyView(node, "v2", 1);
        var before = Assert.Single(node.Tick().Messages).Message;
        Assert.Equal(1, before.DeltaBase); // n1 holds v1: only v2 goes
        Assert.Equal(1, node.Members()[1].AckedVersion);

        // n1 gossips a record of this node from an earlier start with a greater incarnation (the clock went back).
        node.Receive(Reply("n1", heartbeat: 2) with { Members = [Record("n0", heartbeat: 9, incarnation: 50)] });

        Assert.Equal(51, node.Incarnation);
        Assert.Equal(0, node.Members()[1].AckedVersion);
        var after = Assert.Single(node.Tick().Messages).Message;
        // n1's acknowledgements were of the old incarnation: it gets everything again, the delta just sent included.
        Assert.Equal(0, after.DeltaBase);
        Assert.Equal(node.State.Version, after.DeltaUpTo);
        Assert.Equal(2UL, after.Delta?.EntryOf(V, node.Id));
        Assert.Equal(1UL, after.Delta?.EntryOf(VideoId.Parse("v2"), node.Id));
    }

    [Fact]
    public void Receive_AnswersAPushWithoutADigestRoot_EvenOnAnAntiEntropyRound()
    {
        var (node, _) = NewNode(options: new ReplicationOptions { AntiEntropyRounds = 1 });
        node.Receive(AckAll(node, "n1"));
        var push = Assert.Single(node.Tick().Messages).Message;
        Assert.NotNull(push.DigestRoot); // the peer holds everything: the round's push carries the root

        var reply = Assert.Single(node.Receive(AckAll(node, "n1", heartbeat: 2) with { Kind = GossipKind.Push }).Messages).Message;

        Assert.True(reply.HasDelta && reply.Delta is null, "the peer holds everything: the reply's delta is empty");
        Assert.True(reply.DigestRoot is null, "a reply never carries the root: only a round's push asks whether we differ");
    }

    [Fact]
    public void Receive_IgnoresAMessageFromItself_WhateverClusterItNames()
    {
        var mine = ClusterIdentity.Settled(ClusterId.Parse("prod"));
        var (node, _) = NewNode(cluster: mine);
        var effects = node.Receive(new GossipMessage
        {
            Kind = GossipKind.Push,
            Sender = Record("n0"),
            ClusterId = ClusterId.Parse("test"),
            HasDelta = true,
            Delta = CounterMap.Single(V, ReplicaId.Parse("n0"), 1),
        });
        Assert.Same(Effects.None, effects);
        Assert.Equal(0, node.Stats.RefusedForeignCluster);
        Assert.Equal(mine, node.Cluster);
        Assert.Single(node.Members());
    }

    /// <summary>Makes every pair of <paramref name="ids"/> sharing a name conflict: each is heard from, then again
    /// after a second, then the node ticks.</summary>
    static Effects HearTwiceAndTick(ReplicaNode node, FakeTimeProvider time, params string[] ids)
    {
        foreach (var id in ids)
        {
            node.Receive(Reply(id));
        }
        time.Advance(TimeSpan.FromSeconds(1));
        foreach (var id in ids)
        {
            node.Receive(Reply(id, heartbeat: 2));
        }
        return node.Tick();
    }

    [Fact]
    public void Tick_ReportsTheConflictingNamesInOrdinalOrder_WhateverOrderTheyAreFoundIn()
    {
        // This node's own name is looked at first; "aa" sorts before it.
        var (node, time) = NewNode("zz~aaaaaaaaaa");
        var effects = HearTwiceAndTick(node, time, "zz~bbbbbbbbbb", "aa~aaaaaaaaaa", "aa~bbbbbbbbbb");
        Assert.Equal(["aa", "zz"], effects.NameConflicts);
        Assert.Equal(["aa", "zz"], node.NameConflicts);
    }

    [Fact]
    public void Tick_ReportsNoNameConflicts_WhileTheSetIsUnchanged()
    {
        var (node, time) = NewNode("n0~aaaaaaaaaa");
        Assert.Equal(["n0"], HearTwiceAndTick(node, time, "n0~bbbbbbbbbb").NameConflicts);
        node.Receive(Reply("n0~bbbbbbbbbb", heartbeat: 3));
        Assert.Null(node.Tick().NameConflicts);
        Assert.Equal(["n0"], node.NameConflicts);
    }
}
