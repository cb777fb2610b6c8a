using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Rules of the gossip core the flow tests pass through without checking (found by the Stryker run on
/// <c>fe327c4</c>): what a peer known to hold our state is sent, when a peer counts as synced, the order members are
/// listed in, second-hand signs of life, pushes made for waiting writes, read repair that changes nothing, and who a
/// level counts when a name has several replicas.</summary>
public class GossipMarksTests
{
    static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly VideoId V = VideoId.Parse("v1");

    static (ReplicaNode Node, FakeTimeProvider Time) NewNode(string id = "a1", long incarnation = 1, ReplicationOptions? options = null)
    {
        var time = new FakeTimeProvider(Start);
        return (new ReplicaNode(ReplicaId.Parse(id), id, incarnation, options ?? new ReplicationOptions(), time, new Random(1), null, []), time);
    }

    static MemberRecord Record(string id, long heartbeat = 1, long incarnation = 1, bool left = false) =>
        new(ReplicaId.Parse(id), id, incarnation, heartbeat, left);

    static GossipMessage Message(string id, GossipKind kind = GossipKind.Reply, long heartbeat = 1) =>
        new() { Kind = kind, Sender = Record(id, heartbeat) };

    static void ApplyView(ReplicaNode node, VideoId video, ulong amount)
    {
        var batch = new CounterMap();
        node.PrepareView(batch, video, amount);
        node.ApplyOwn(batch);
    }

    [Fact]
    public void Receive_SendsNothingBack_OfASecondDeltaFromAPeerThatStillHoldsAllOurState()
    {
        // b1 has not acknowledged anything yet, but it held all of our (empty) state when it sent v1: it still does
        // after v2, so neither goes back.
        var (node, _) = NewNode();
        var b1 = ReplicaId.Parse("b1");
        node.Receive(Message("b1", GossipKind.Push) with { AckIncarnation = 1 });
        node.Receive(Message("b1", GossipKind.Push) with { AckIncarnation = 1, HasDelta = true, DeltaUpTo = 1, Delta = CounterMap.Single(V, b1, 1) });
        var reply = Assert.Single(node.Receive(Message("b1", GossipKind.Push) with
        {
            AckIncarnation = 1, HasDelta = true, DeltaBase = 1, DeltaUpTo = 2, Delta = CounterMap.Single(VideoId.Parse("v2"), b1, 1),
        }).Messages).Message;
        Assert.True(reply.HasDelta && reply.Delta is null, $"nothing b1 sent may go back to it, sent {reply.Delta?.Count} videos");
        Assert.Equal((0, 2), (reply.DeltaBase, reply.DeltaUpTo));
    }

    [Fact]
    public void Tick_SendsOnlyOurNewEntry_OfAVideoThePeerSentWhileHoldingAllOurState()
    {
        var (node, _) = NewNode();
        var b1 = ReplicaId.Parse("b1");
        node.Receive(Message("b1", GossipKind.Push) with { AckIncarnation = 1 });
        node.Receive(Message("b1") with { AckIncarnation = 1, HasDelta = true, DeltaUpTo = 1, Delta = CounterMap.Single(V, b1, 5) });
        ApplyView(node, V, 2);

        var push = Assert.Single(node.Tick().Messages).Message;

        Assert.Equal(2UL, push.Delta?.EntryOf(V, node.Id));
        Assert.True(push.Delta?.EntryOf(V, b1) == 0, "b1's own entry, which it sent us, must not go back to it");
    }

    [Fact]
    public void Tick_SendsOnlyTheNewEntry_OnceThePeerAcknowledgedTheLastCompleteDelta()
    {
        // c1's entry of v1 went to b1 in a complete delta (0, 1]; b1 acknowledges 1 after our own view of v1 (version
        // 2): it holds every change up to 1, so the next delta carries only our new entry, not c1's again.
        var (node, time) = NewNode();
        var c1 = ReplicaId.Parse("c1");
        node.Receive(Message("b1") with { AckIncarnation = 1 });
        node.Receive(Message("c1") with { HasDelta = true, DeltaUpTo = 1, Delta = CounterMap.Single(V, c1, 5) });
        var first = node.Tick().Messages.Single(m => m.Address == "b1").Message;
        Assert.Equal(5UL, first.Delta?.EntryOf(V, c1));
        ApplyView(node, V, 2);
        node.Receive(Message("b1", heartbeat: 2) with { AckIncarnation = 1, AckVersion = 1 });
        time.Advance(new ReplicationOptions().GossipInterval);

        var next = node.Tick().Messages.Single(m => m.Address == "b1").Message;

        Assert.Equal((1, 2), (next.DeltaBase, next.DeltaUpTo));
        Assert.Equal(2UL, next.Delta?.EntryOf(V, node.Id));
        Assert.True(next.Delta?.EntryOf(V, c1) == 0, "b1 acknowledged the complete delta that carried c1's entry");
    }

    [Fact]
    public void Receive_MarksThePeerSynced_ByADeltaFromItsMark()
    {
        var (node, _) = NewNode();
        node.Receive(Message("b1"));
        Assert.False(node.Members()[1].Synced);
        node.Receive(Message("b1", heartbeat: 2) with { HasDelta = true, DeltaBase = 0, DeltaUpTo = 3 });
        Assert.True(node.Members()[1].Synced, "a delta from the mark establishes it");
        Assert.Equal(3, node.Members()[1].HeldVersion);
    }

    [Fact]
    public void Receive_MarksThePeerSynced_ByACompleteRepair()
    {
        var (node, _) = NewNode();
        node.Receive(Message("b1"));
        node.Receive(Message("b1", heartbeat: 2) with { Repair = new CounterMap(), RepairBuckets = [0], RepairBucketCount = 1, RepairVersion = 4, RepairComplete = true });
        Assert.True(node.Members()[1].Synced);
        Assert.Equal(4, node.Members()[1].HeldVersion);
    }

    [Fact]
    public void Receive_HandsTheHostTheClusterId_AdoptedFromAPush()
    {
        var (node, _) = NewNode();
        var cluster = ClusterId.Parse("0000000001aaaaaa");
        var effects = node.Receive(Message("b1", GossipKind.Push) with { ClusterId = cluster, ClusterProvisional = true });
        Assert.Single(effects.Messages);
        Assert.Equal(new ClusterIdentity(cluster, true), effects.Cluster);
    }

    [Fact]
    public void Members_ListsPeersInIdOrder_WhateverOrderTheyWereHeardIn()
    {
        var (node, _) = NewNode();
        foreach (var id in new[] { "c3", "a2", "b9", "a10" })
        {
            node.Receive(Message(id));
        }
        Assert.Equal(["a1", "a10", "a2", "b9", "c3"], node.Members().Select(m => m.Id.Value));
    }

    [Fact]
    public void NameConflicts_CountAReplicaHeardOfSecondHand_OnlyOnceItsHeartbeatAdvances()
    {
        // x~b is only gossiped by n1: its last words (the same heartbeat again) are no sign of life, a newer heartbeat is.
        var (node, time) = NewNode("n0");
        node.Receive(Message("x~aaaaaaaaaa"));
        node.Receive(Message("n1") with { Members = [Record("x~bbbbbbbbbb")] });
        time.Advance(TimeSpan.FromSeconds(1));
        node.Receive(Message("x~aaaaaaaaaa", heartbeat: 2));
        node.Receive(Message("n1", heartbeat: 2) with { Members = [Record("x~bbbbbbbbbb")] });
        node.Tick();
        Assert.Empty(node.NameConflicts);

        node.Receive(Message("n1", heartbeat: 3) with { Members = [Record("x~bbbbbbbbbb", heartbeat: 2)] });
        node.Tick();
        Assert.Equal(["x"], node.NameConflicts);
    }

    [Fact]
    public void PushTo_SkipsUnknownAndLeftPeers_AndSendsASampleWithoutARoot()
    {
        var (node, _) = NewNode(options: new ReplicationOptions { AntiEntropyRounds = 1 });
        node.Receive(Message("b1") with { AckIncarnation = 1 }); // holds all of our (empty) state; its membership hash differs
        node.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = Record("c1", left: true) });

        var effects = node.PushTo([ReplicaId.Parse("b1"), ReplicaId.Parse("c1"), ReplicaId.Parse("z9")]);

        var push = Assert.Single(effects.Messages);
        Assert.Equal("b1", push.Address);
        Assert.Equal(GossipKind.Push, push.Message.Kind);
        Assert.True(push.Message.DigestRoot is null, "a push for a waiting write asks for an acknowledgement, not whether we differ");
        Assert.False(push.Message.MembersComplete, "a push carries a sample of members; the whole table goes in answers");
    }

    [Fact]
    public void TakeReadAnswer_AppendsNothing_WhenTheAnswerChangesNothing()
    {
        var prod = ClusterIdentity.Settled(ClusterId.Parse("prod"));
        var h = new Harness("n1", seeds: ["n2"], cluster: prod);
        var n2 = ReplicaId.Parse("n2");
        Assert.True(h.Replica.TakeReadAnswer("n2", n2, prod.Id, V, GCounter.Empty.Increment(n2, 5)));
        h.Pump();
        h.CompleteAll();
        Assert.True(h.Replica.TakeReadAnswer("n2", n2, prod.Id, V, GCounter.Empty.Increment(n2, 5)));
        h.Pump();
        Assert.Empty(h.InFlight);
        Assert.Equal(1, h.Replica.CommitStats.MergeAppends);
    }

    [Fact]
    public void LevelMembers_LeavesOutADownEarlierReplicaOfThisNodesOwnName()
    {
        // This node is the new replica of a lost disk; its old replica, of the same name, is down.
        var (node, time) = NewNode("n1~0000000002", incarnation: 200);
        node.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = Record("n1~0000000001", incarnation: 100) });
        node.Receive(Message("n2"));
        time.Advance(new ReplicationOptions().DownAfter);
        node.Receive(Message("n2", heartbeat: 2));
        Assert.Equal(2, node.LevelMembers());
    }

    [Fact]
    public void LevelMembers_KeepsADownReplica_WhoseNewerNamesakeLeft()
    {
        var (node, time) = NewNode("n1");
        node.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = Record("n3~0000000001", incarnation: 100) });
        time.Advance(new ReplicationOptions().DownAfter);
        node.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = Record("n3~0000000002", incarnation: 200, left: true) });
        Assert.Equal(2, node.LevelMembers()); // n1 and the old n3: a successor that left supersedes no one
    }
}
