using Tally.Crdt;

namespace Tally.Replication.Tests;

public class GossipTests
{
    static readonly VideoId V = VideoId.Parse("v");

    /// <summary>n1 counts <paramref name="amount"/> durable views and pushes them to n2, which merges them.</summary>
    static void PushView(Pair pair, ulong amount)
    {
        pair.N1.Add("v", amount);
        pair.N1.CompleteAll();
        pair.N1.Tick();
        Assert.True(pair.Deliver(pair.N1) > 0, "n1's push must leave: it acknowledges nothing unmerged");
    }

    [Fact]
    public void Receive_HoldsTheReply_UntilTheMergeIsDurable()
    {
        var pair = new Pair();
        PushView(pair, 3);

        var merge = Assert.Single(pair.N2.InFlight.Values);
        Assert.Equal(AppendKind.Merge, merge.Kind);
        Assert.Equal(3UL, merge.Delta.EntryOf(V, pair.N1.Id));
        Assert.Empty(pair.N2.Sent); // the reply acknowledges the merge: not before it is on disk

        pair.N2.Complete(merge.Number);
        var reply = Assert.Single(pair.N2.Sent);
        Assert.Equal("n1", reply.Address);
        Assert.Equal(GossipKind.Reply, reply.Message.Kind);
    }

    [Fact]
    public void Tick_HoldsPushes_UntilEveryEarlierMergeIsDurable()
    {
        var pair = new Pair();
        PushView(pair, 3);
        pair.N2.Tick();
        Assert.Empty(pair.N2.Sent);
        Assert.Equal(2, pair.N2.Replica.HeldMessages);

        pair.N2.CompleteAll();
        Assert.Equal(2, pair.N2.Sent.Count);
        Assert.Equal(GossipKind.Reply, pair.N2.Sent[0].Message.Kind); // in the order they were made
        Assert.Equal(GossipKind.Push, pair.N2.Sent[1].Message.Kind);
    }

    [Fact]
    public void Receive_FoldsMergesIntoTheNextAppend_WhileOneIsInFlight()
    {
        var pair = new Pair();
        PushView(pair, 3);
        var first = pair.N2.InFlight.Keys.Single();
        pair.N1.Add("w", 2);
        pair.N1.CompleteAll();
        pair.N1.Tick();
        pair.Deliver(pair.N1);
        pair.N1.Add("x", 1);
        pair.N1.CompleteAll();
        pair.N1.Tick();
        pair.Deliver(pair.N1);
        Assert.Single(pair.N2.InFlight); // one merge append at a time

        pair.N2.Complete(first);
        var folded = Assert.Single(pair.N2.InFlight.Values);
        Assert.Equal(2UL, folded.Delta.EntryOf(VideoId.Parse("w"), pair.N1.Id));
        Assert.Equal(1UL, folded.Delta.EntryOf(VideoId.Parse("x"), pair.N1.Id));
        Assert.Single(pair.N2.Sent); // the first reply only: the later ones acknowledge the folded merges
        pair.N2.Complete(folded.Number);
        Assert.Equal(3, pair.N2.Sent.Count);
    }

    [Fact]
    public void AppendFailed_AppendsTheMergeAgainAfterTheNextTick_AndHoldsMessagesMeanwhile()
    {
        var pair = new Pair();
        PushView(pair, 3);
        pair.N2.Fail(pair.N2.InFlight.Keys.Single());
        Assert.Empty(pair.N2.InFlight); // not retried in a tight loop
        Assert.Empty(pair.N2.Sent);

        pair.N2.Tick();
        var again = Assert.Single(pair.N2.InFlight.Values);
        Assert.Equal(3UL, again.Delta.EntryOf(V, pair.N1.Id));
        Assert.Empty(pair.N2.Sent);

        pair.N2.Complete(again.Number);
        Assert.Equal(2, pair.N2.Sent.Count);
        Assert.Equal(3UL, pair.N2.Disk.Reload().EntryOf(V, pair.N1.Id));
        Assert.Equal(1, pair.N2.Replica.CommitStats.MergeAppendsFailed);
    }

    [Fact]
    public void Hold_DropsTheOldestMessage_WhenOutboxMessagesMaxAreHeld()
    {
        var pair = new Pair(new ReplicaOptions { OutboxMessagesMax = 2 });
        PushView(pair, 3);
        pair.N2.Tick();
        pair.N2.Tick();
        Assert.Equal(2, pair.N2.Replica.HeldMessages);
        Assert.Equal(1, pair.N2.Replica.CommitStats.MessagesDropped);
        pair.N2.CompleteAll();
        Assert.All(pair.N2.Sent, m => Assert.Equal(GossipKind.Push, m.Message.Kind));
    }

    [Fact]
    public void Receive_MergesInMemoryAtOnce_AndConvergesBothWays()
    {
        var pair = new Pair();
        PushView(pair, 3);
        Assert.Equal((UInt128)3, pair.N2.Replica.Read(V).Value); // readable before durable; only acks wait
        pair.N2.CompleteAll();
        pair.Deliver(pair.N2);
        pair.N1.CompleteAll();
        Assert.Equal(pair.N1.Replica.Read(V), pair.N2.Replica.Read(V));
    }
}
