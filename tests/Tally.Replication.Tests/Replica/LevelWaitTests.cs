using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>What a host reads about writes waiting for their level: the earliest deadline (to call
/// <see cref="Replica.TakeReady"/> in time), the answers waiting, and whom a level counts.</summary>
public class LevelWaitTests
{
    static readonly VideoId V = VideoId.Parse("v");

    [Fact]
    public void LevelDeadline_IsTheOldestWaitingWritesTimeout_AndNullWithoutOne()
    {
        var timeout = TimeSpan.FromSeconds(3);
        var p = new Pair(new ReplicaOptions { LevelTimeout = timeout }, ClusterIdentity.Settled(ClusterId.Parse("prod")));
        var n1 = p.N1;
        n1.Tick();
        p.Deliver(n1);
        p.Deliver(p.N2);
        Assert.Null(n1.Replica.LevelDeadline);
        Assert.Empty(n1.Replica.LevelWaiting);

        var first = n1.Submit(ViewRequest.Add(V, 2) with { Write = ConsistencyLevel.Of(2) });
        n1.CompleteAll();
        var deadline = n1.Time.GetUtcNow() + timeout;
        n1.Time.Advance(TimeSpan.FromSeconds(1));
        n1.Submit(ViewRequest.Add(V, 1) with { Write = ConsistencyLevel.Of(2) });
        n1.CompleteAll();

        Assert.Equal(deadline, n1.Replica.LevelDeadline);
        var waiting = n1.Replica.LevelWaiting;
        Assert.Equal(2, waiting.Count);
        Assert.Equal(first, waiting[0].Ticket);
        Assert.Equal((ViewStatus.Ok, 2UL), (waiting[0].Status, waiting[0].Totals[0]));
        Assert.Equal(3UL, waiting[1].Totals[0]);
    }

    [Fact]
    public void LevelMemberKeys_AreItselfTheCountedPeersAndTheSeedsNotYetKnown()
    {
        var h = new Harness(seeds: ["http://seed"]);
        Assert.Equal(["http://seed", "n1"], h.Replica.LevelMemberKeys().Order(StringComparer.Ordinal));
        h.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = new MemberRecord(ReplicaId.Parse("n3"), "http://n3", 1, 1, false) });
        h.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = new MemberRecord(ReplicaId.Parse("n4"), "http://n4", 1, 1, Left: true) });
        Assert.Equal(["http://seed", "n1", "n3"], h.Replica.LevelMemberKeys().Order(StringComparer.Ordinal));
        Assert.Equal(3, h.Replica.LevelMembers);
    }
}
