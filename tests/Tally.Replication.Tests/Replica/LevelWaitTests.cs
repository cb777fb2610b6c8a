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

    [Fact]
    public void PlanRead_AsksLivePeersFirst_ThenDownOnes_ThenSeedsNotYetKnown()
    {
        var h = new Harness("n1", seeds: ["http://seed"]);
        MemberRecord Peer(string id, long heartbeat = 1) => new(ReplicaId.Parse(id), $"http://{id}", 1, heartbeat, false);
        h.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = Peer("a") });
        h.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = Peer("b") });
        h.Time.Advance(h.Replication.DownAfter);
        h.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = Peer("b", heartbeat: 2) }); // a is down now

        var plan = h.Replica.PlanRead(ConsistencyLevel.All);

        Assert.NotNull(plan);
        Assert.Equal(["http://b", "http://a", "http://seed"], plan.Addresses);
        Assert.Equal((3, 4), (plan.Others, plan.Members));
    }

    [Fact]
    public void ReadFor_AnswersOnlyAReplicaOfTheSameCluster()
    {
        var prod = ClusterIdentity.Settled(ClusterId.Parse("prod"));
        var h = new Harness("n1", cluster: prod);
        h.Add("v", 4);
        h.CompleteAll();
        Assert.Equal((UInt128)4, h.Replica.ReadFor(V, prod.Id)?.Value);
        Assert.Null(h.Replica.ReadFor(V, ClusterId.Parse("other")));
        Assert.Null(h.Replica.ReadFor(V, null));
        Assert.Null(new Harness("n2").Replica.ReadFor(V, prod.Id)); // a replica without a cluster id answers no one
    }
}
