using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>What answers carry and when writes waiting for their level are answered, where the flow tests do not look
/// (found by the Stryker run on <c>fe327c4</c>): a refusal counts and versions nothing, a replayed key from an earlier
/// process, the level timeout's exact instant, several waits met at once, a stop with a partly met level.</summary>
public class AnswerRulesTests
{
    static readonly VideoId V = VideoId.Parse("v");
    static readonly ClusterIdentity Prod = ClusterIdentity.Settled(ClusterId.Parse("prod"));

    static ViewTicket AddAt(Harness h, ConsistencyLevel w, string? key = null) => h.Submit(ViewRequest.Add(V, 1, key) with { Write = w });

    /// <summary>n1 and n2 know each other by id (one exchange), with nothing merged.</summary>
    static Pair Met(ReplicaOptions? options = null)
        => Pair.Met(options, Prod);

    [Fact]
    public void Answer_CarriesNoViewsAddedAndNoVersion_WhenTheAppendFailed()
    {
        var h = new Harness();
        h.Add("v", 1);
        h.CompleteAll();
        var failed = h.Add("v", 5);
        h.Fail(h.InFlight.Keys.Single());
        var answer = h.AnswerOf(failed);
        Assert.Equal(ViewStatus.StorageFailed, answer.Status);
        Assert.Equal((0UL, 0L), (answer.Added, answer.Version));
        Assert.False(answer.Replayed);
    }

    [Fact]
    public void Submit_AnswersARetryOfAKeyTakenByAnEarlierProcess_WithTheCurrentVersion_AndCountsTheReplay()
    {
        var h = new Harness();
        h.Add("v", 3, key: "k");
        h.CompleteAll();
        h.CrashAndRestart();
        h.Add("w", 1);
        h.CompleteAll();

        var retry = h.AnswerOf(h.Add("v", 3, key: "k"));

        Assert.True(retry.Replayed);
        Assert.Equal([3UL], retry.Totals);
        Assert.Equal(h.Replica.Version, retry.Version);
        Assert.Equal(1, h.Replica.CommitStats.RequestsReplayed);
    }

    [Fact]
    public void Submit_AnswersARefusalOrAConflict_AsNotReplayed()
    {
        var p = Met();
        Assert.False(p.N1.AnswerOf(AddAt(p.N1, ConsistencyLevel.Of(3))).Replayed);
        AddAt(p.N1, ConsistencyLevel.One, key: "k");
        Assert.False(p.N1.AnswerOf(p.N1.Submit(ViewRequest.Add(V, 2, "k"))).Replayed);
    }

    [Fact]
    public void Submit_AnswersARefusedWriteAtOnce_WhateverItsLevel()
    {
        var p = Met();
        p.N1.Replica.Stop();
        var ticket = AddAt(p.N1, ConsistencyLevel.Of(2));
        var answer = p.N1.AnswerOf(ticket);
        Assert.Equal(ViewStatus.Stopped, answer.Status);
        Assert.True(answer.Acknowledged.Count == 0, "a refusal holds no views: no replica acknowledged it");
        Assert.Equal(0, p.N1.Replica.LevelWaits);
    }

    [Fact]
    public void TakeReady_AnswersUnconfirmed_AtExactlyTheLevelTimeout()
    {
        var p = Met(new ReplicaOptions { LevelTimeout = TimeSpan.FromSeconds(3) });
        var ticket = AddAt(p.N1, ConsistencyLevel.Of(2));
        p.N1.CompleteAll();
        p.N1.Tick();
        p.N1.Tick();
        Assert.False(p.N1.IsAnswered(ticket));
        p.N1.Tick(); // 3 s after the answer was ready
        Assert.Equal(ViewStatus.Unconfirmed, p.N1.AnswerOf(ticket).Status);
    }

    [Fact]
    public void TakeReady_AnswersEveryWaitingWrite_ThatOneAcknowledgementMeets()
    {
        var p = Met();
        var (n1, n2) = (p.N1, p.N2);
        var first = AddAt(n1, ConsistencyLevel.Of(2));
        var second = AddAt(n1, ConsistencyLevel.Of(2));
        n1.CompleteAll();
        Assert.Equal(2, n1.Replica.LevelWaits);
        n1.Sent.Clear();
        n1.Replica.Receive(new GossipMessage
        {
            Kind = GossipKind.Reply,
            Sender = new MemberRecord(n2.Id, n2.Address, n2.Replica.Incarnation, 5, false),
            ClusterId = Prod.Id,
            AckIncarnation = n1.Replica.Incarnation,
            AckVersion = n1.Replica.Version,
        });
        var ready = n1.Replica.TakeReady();

        Assert.Equal([first.Value, second.Value], ready.Answers.Select(a => a.Ticket.Value).Order());
        Assert.All(ready.Answers, a => Assert.Equal(ViewStatus.Ok, a.Status));
        Assert.Equal(0, n1.Replica.LevelWaits);
    }

    [Fact]
    public void Stop_AnswersAPartlyMetWriteUnconfirmed_WithThePeersThatAcknowledged_Once()
    {
        var h = new Harness("n1", cluster: Prod);
        foreach (var id in new[] { "n2", "n3" })
        {
            h.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = new MemberRecord(ReplicaId.Parse(id), id, 1, 1, false), ClusterId = Prod.Id });
        }
        var ticket = AddAt(h, ConsistencyLevel.All);
        h.CompleteAll();
        h.Receive(new GossipMessage
        {
            Kind = GossipKind.Reply,
            Sender = new MemberRecord(ReplicaId.Parse("n2"), "n2", 1, 2, false),
            ClusterId = Prod.Id,
            AckIncarnation = h.Replica.Incarnation,
            AckVersion = h.Replica.Version,
        });
        Assert.False(h.IsAnswered(ticket), "n3 has not acknowledged: w=all still waits");

        h.Replica.Stop();
        h.Pump();
        h.Pump(); // the harness fails if the write is answered twice

        var answer = h.AnswerOf(ticket);
        Assert.Equal(ViewStatus.Unconfirmed, answer.Status);
        Assert.Equal([h.Id, ReplicaId.Parse("n2")], answer.Acknowledged);
        Assert.Equal(3, answer.Required);
        Assert.Equal(0, h.Replica.LevelWaits);
    }

    [Fact]
    public void Tick_LetsAWaitingWritePushAgain_ToAPeerWhosePushesWentUnanswered()
    {
        var p = Met();
        var n1 = p.N1;
        AddAt(n1, ConsistencyLevel.Of(2));
        n1.CompleteAll();
        Assert.Single(n1.Sent, m => m.Address == "n2");
        n1.Sent.Clear();

        n1.Tick();

        // The round's push and, the earlier one being unanswered, one more for the waiting write.
        Assert.Equal(2, n1.Sent.Count(m => m.Address == "n2"));
    }
}
