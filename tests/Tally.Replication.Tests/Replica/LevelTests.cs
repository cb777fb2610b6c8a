using Tally.Crdt;

namespace Tally.Replication.Tests;

public class LevelTests
{
    static readonly VideoId V = VideoId.Parse("v");
    static readonly ClusterIdentity Prod = ClusterIdentity.Settled(ClusterId.Parse("prod"));

    /// <summary>n1 and n2 know each other by id (one exchange), with nothing merged.</summary>
    static Pair Met(ReplicaOptions? options = null)
        => Pair.Met(options, Prod);

    static ViewTicket AddAt(Harness h, ConsistencyLevel w, string? key = null) =>
        h.Submit(ViewRequest.Add(V, 1, key) with { Write = w });

    [Fact]
    public void TakeReady_HoldsTheAnswer_UntilThePeersMergeIsDurable_AtW2()
    {
        var p = Met();
        var ticket = AddAt(p.N1, ConsistencyLevel.Of(2));
        p.N1.CompleteAll();
        Assert.False(p.N1.IsAnswered(ticket), "a w=2 view must wait for a second replica");
        Assert.Contains(p.N1.Sent, m => m.Address == "n2"); // pushed at once, not at the next round

        p.Deliver(p.N1);
        var merge = Assert.Single(p.N2.InFlightOf(AppendKind.Merge));
        Assert.Equal(0, p.Deliver(p.N2)); // the acknowledging reply waits for n2's merge append
        Assert.False(p.N1.IsAnswered(ticket));

        p.N2.Complete(merge);
        p.Deliver(p.N2);
        var answer = p.N1.AnswerOf(ticket);
        Assert.Equal(ViewStatus.Ok, answer.Status);
        Assert.Equal([p.N1.Id, p.N2.Id], answer.Acknowledged);
        Assert.Equal(2, answer.Required);
        Assert.Equal(1UL, p.N2.Disk.Own(V, p.N1.Id)); // durable on n2's disk when n1 answered
    }

    [Fact]
    public void TakeReady_AnswersAtOnce_AtW1_WithItselfAsTheOnlyAcknowledgement()
    {
        var p = Met();
        var ticket = AddAt(p.N1, ConsistencyLevel.One);
        p.N1.CompleteAll();
        var answer = p.N1.AnswerOf(ticket);
        Assert.Equal(ViewStatus.Ok, answer.Status);
        Assert.Equal([p.N1.Id], answer.Acknowledged);
        Assert.DoesNotContain(p.N1.Sent, m => m.Address == "n2"); // w=1 pushes nothing outside the rounds
    }

    [Fact]
    public void TakeReady_AnswersUnconfirmedButCounted_WhenNoPeerAcknowledgesInTime()
    {
        var p = Met(new ReplicaOptions { LevelTimeout = TimeSpan.FromSeconds(3) });
        var ticket = AddAt(p.N1, ConsistencyLevel.Majority, key: "k1");
        p.N1.CompleteAll();
        p.N1.Sent.Clear(); // the peer is cut off
        p.N1.Tick();
        p.N1.Tick();
        Assert.False(p.N1.IsAnswered(ticket), "within the timeout the write still waits");
        p.N1.Tick();
        p.N1.Tick();

        var answer = p.N1.AnswerOf(ticket);
        Assert.Equal(ViewStatus.Unconfirmed, answer.Status);
        Assert.False(answer.Refused, "an unconfirmed write is counted: a retry must not count it again");
        Assert.Equal([p.N1.Id], answer.Acknowledged);
        Assert.Equal(2, answer.Required);
        Assert.Equal([1UL], answer.Totals);
        Assert.Equal(1UL, p.N1.OnDisk("v"));

        // The retry with its key counts nothing and waits for the level again; it is met once n2 acknowledges.
        var retry = AddAt(p.N1, ConsistencyLevel.Majority, key: "k1");
        Assert.Empty(p.N1.InFlight);
        p.Deliver(p.N1);
        p.N2.CompleteAll();
        p.Deliver(p.N2);
        var replayed = p.N1.AnswerOf(retry);
        Assert.Equal(ViewStatus.Ok, replayed.Status);
        Assert.True(replayed.Replayed);
        Assert.Equal([p.N1.Id, p.N2.Id], replayed.Acknowledged);
        Assert.Equal(1UL, p.N1.Total("v"));
    }

    [Fact]
    public void Submit_RefusesAndCountsNothing_WhenTheLevelNamesMoreReplicasThanKnown()
    {
        var p = Met();
        var ticket = AddAt(p.N1, ConsistencyLevel.Of(3), key: "k");
        var answer = p.N1.AnswerOf(ticket);
        Assert.Equal(ViewStatus.LevelUnreachable, answer.Status);
        Assert.True(answer.Refused);
        Assert.Empty(p.N1.InFlight);

        var again = AddAt(p.N1, ConsistencyLevel.Of(2), key: "k"); // the key was not taken by the refusal
        p.N1.CompleteAll();
        Assert.False(p.N1.IsAnswered(again));
        Assert.Equal(1UL, p.N1.Total("v"));
    }

    [Fact]
    public void TakeReady_AnswersAtOnce_AtMajorityOnANodeThatCountsOnlyItself()
    {
        var h = new Harness();
        var ticket = AddAt(h, ConsistencyLevel.Majority);
        h.CompleteAll();
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(ticket).Status);
        Assert.Equal(1, h.AnswerOf(ticket).Required);
    }

    [Fact]
    public void Stop_AnswersWaitingWritesUnconfirmed()
    {
        var p = Met();
        var ticket = AddAt(p.N1, ConsistencyLevel.All);
        p.N1.CompleteAll();
        p.N1.Replica.Stop();
        p.N1.Pump();
        Assert.Equal(ViewStatus.Unconfirmed, p.N1.AnswerOf(ticket).Status);
    }

    [Fact]
    public void LevelMembers_LeavesOutTheDownOldReplicaOfALostDisk_AndCountsUnknownSeeds()
    {
        var h = new Harness("n1", seeds: ["n9"]);
        Assert.Equal(2, h.Replica.LevelMembers); // itself and a seed not heard from yet
        var old = new MemberRecord(ReplicaId.Parse("n3~0000000001"), "n3", 100, 1, Left: false);
        var successor = new MemberRecord(ReplicaId.Parse("n3~0000000002"), "n3", 200, 1, Left: false);
        h.Receive(Push(old));
        Assert.Equal(3, h.Replica.LevelMembers);
        h.Receive(Push(successor));
        Assert.Equal(4, h.Replica.LevelMembers); // the old one is not down yet: it still counts
        h.Time.Advance(h.Replication.DownAfter + TimeSpan.FromSeconds(1));
        h.Receive(Push(successor with { Heartbeat = 2 }));
        Assert.Equal(3, h.Replica.LevelMembers); // n1, the successor, the seed n9; the down old replica is left out

        var left = new MemberRecord(ReplicaId.Parse("n4"), "n4", 100, 1, Left: true);
        h.Receive(Push(left));
        Assert.Equal(3, h.Replica.LevelMembers);
    }

    [Fact]
    public void LevelMembers_KeepsADownMember_WhoseNameHasNoNewerReplica()
    {
        var h = new Harness("n1");
        h.Receive(Push(new MemberRecord(ReplicaId.Parse("n2"), "n2", 100, 1, Left: false)));
        h.Time.Advance(h.Replication.DownAfter + TimeSpan.FromSeconds(1));
        h.Tick();
        Assert.Equal(2, h.Replica.LevelMembers); // a partitioned or crashed member still counts: majority stays majority
    }

    [Fact]
    public void TakeReadAnswer_MergesEntries_OnlyFromAnotherReplicaOfTheSameCluster()
    {
        var h = new Harness("n1", seeds: ["n2"], cluster: Prod);
        var n2 = ReplicaId.Parse("n2");
        var counter = GCounter.Empty.Increment(n2, 5);
        Assert.False(h.Replica.TakeReadAnswer("n2", n2, ClusterId.Parse("other"), V, counter));
        Assert.False(h.Replica.TakeReadAnswer("n2", n2, null, V, counter));
        Assert.False(h.Replica.TakeReadAnswer("n2", h.Id, Prod.Id, V, counter));
        Assert.Equal((UInt128)0, h.Replica.Read(V).Value);

        Assert.True(h.Replica.TakeReadAnswer("n2", n2, Prod.Id, V, counter));
        h.Pump();
        Assert.Equal((UInt128)5, h.Replica.Read(V).Value);
        var merge = Assert.Single(h.InFlightOf(AppendKind.Merge)); // read repair is stored like a gossip merge
        Assert.Equal(5UL, h.InFlight[merge].Delta.EntryOf(V, n2));
    }

    /// <summary>Swarm seed 733: the reader counted n3's old replica (not yet down), the new replica of n3's lost disk
    /// answered at the same address and was counted in its place, and a majority read missed a majority write that
    /// n3's old replica and n1 had acknowledged.</summary>
    [Fact]
    public void TakeReadAnswer_MergesButDoesNotCount_AReplicaTheLevelDoesNotCount()
    {
        var h = new Harness("n1", cluster: Prod);
        var old = new MemberRecord(ReplicaId.Parse("n3~0000000001"), "n3", 100, 1, Left: false);
        h.Receive(Push(old) with { ClusterId = Prod.Id });
        var successor = ReplicaId.Parse("n3~0000000002");
        var counter = GCounter.Empty.Increment(successor, 2);

        Assert.False(h.Replica.TakeReadAnswer("n3", successor, Prod.Id, V, counter), "an unknown replica at a counted member's address does not count");
        Assert.Equal((UInt128)2, h.Replica.Read(V).Value); // merged all the same: merging is always safe
        Assert.True(h.Replica.TakeReadAnswer("n3", old.Id, Prod.Id, V, GCounter.Empty));
    }

    [Fact]
    public void PlanRead_AsksTheOthers_AndRefusesALevelAboveTheMembers()
    {
        var p = Met();
        var plan = p.N1.Replica.PlanRead(ConsistencyLevel.Majority);
        Assert.NotNull(plan);
        Assert.Equal(1, plan.Others);
        Assert.Equal(["n2"], plan.Addresses);
        Assert.Null(p.N1.Replica.PlanRead(ConsistencyLevel.Of(3)));
        Assert.Equal(0, p.N1.Replica.PlanRead(ConsistencyLevel.One)!.Others);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 2, 2)]
    [InlineData(3, 2, 3)]
    [InlineData(4, 3, 4)]
    [InlineData(5, 3, 5)]
    public void Required_IsHalfPlusOneForMajority_AndEveryoneForAll(int members, int majority, int all)
    {
        Assert.Equal(majority, ConsistencyLevel.Majority.Required(members));
        Assert.Equal(all, ConsistencyLevel.All.Required(members));
        Assert.Equal(2, ConsistencyLevel.Of(2).Required(members)); // a number is a number, whatever the members
        Assert.True(2 * majority > members, "two majorities always share a replica");
    }

    [Theory]
    [InlineData(null, "1")]
    [InlineData("", "1")]
    [InlineData("1", "1")]
    [InlineData("3", "3")]
    [InlineData("1000", "1000")]
    [InlineData("majority", "majority")]
    [InlineData("ALL", "all")]
    public void TryParse_ReadsNumbersMajorityAndAll(string? text, string expected)
    {
        Assert.True(ConsistencyLevel.TryParse(text, out var level));
        Assert.Equal(expected, level.ToString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1001")]
    [InlineData("+2")]
    [InlineData("quorum")]
    [InlineData("2.0")]
    public void TryParse_Refuses_BadLevels(string text) => Assert.False(ConsistencyLevel.TryParse(text, out _));

    static GossipMessage Push(MemberRecord sender) => new() { Kind = GossipKind.Push, Sender = sender, Members = [sender] };
}
