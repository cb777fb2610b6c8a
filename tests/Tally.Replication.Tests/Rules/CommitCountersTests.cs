using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>The replica's answers carry exactly what was counted, malformed requests are refused as host bugs, and
/// its commit counters (exported as metrics) count what happened.</summary>
public class CommitCountersTests
{
    static readonly VideoId V = VideoId.Parse("v");

    [Fact]
    public void Submit_Throws_ForARequestTheHostShouldHaveRefused()
    {
        var h = new Harness();
        Assert.Throws<ArgumentException>(() => h.Replica.Submit(ViewRequest.Batch([])));
        Assert.Throws<ArgumentException>(() => h.Replica.Submit(new ViewRequest(ViewKind.Add, [new(V, 1), new(V, 2)])));
        Assert.Throws<ArgumentException>(() => h.Replica.Submit(new ViewRequest(ViewKind.Raise, [new(V, 1), new(V, 2)])));
        Assert.Throws<ArgumentException>(() => h.Replica.Submit(ViewRequest.Add(V, 0)));
        Assert.Throws<ArgumentException>(() => h.Replica.Submit(ViewRequest.Batch([new(V, 1), new(VideoId.Parse("w"), 0)])));
        Assert.Throws<ArgumentException>(() => h.Replica.Submit(ViewRequest.Add(V, 1, key: "with space")));
        Assert.Equal(0, h.Replica.QueuedRequests);
        Assert.Empty(h.InFlight);
    }

    [Fact]
    public void Submit_TakesARaiseToZeroAndABatchOfSeveral()
    {
        var h = new Harness();
        var raise = h.Submit(ViewRequest.Raise(V, 0));
        var batch = h.Submit(ViewRequest.Batch([new(V, 1), new(VideoId.Parse("w"), 2)]));
        h.CompleteAll();
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(raise).Status);
        Assert.Equal([1UL, 2UL], h.AnswerOf(batch).Totals);
        Assert.NotEqual(raise, batch);
    }

    [Fact]
    public void Answer_CarriesNoTotalsCountsOrAdded_WhenRefused()
    {
        var h = new Harness(options: new ReplicaOptions { ViewQueueMax = 0 });
        var busy = h.AnswerOf(h.Add("v", 5));
        Assert.Equal(ViewStatus.Busy, busy.Status);
        Assert.Empty(busy.Totals);
        Assert.Empty(busy.Counts);
        Assert.Equal(0UL, busy.Added);
        Assert.Equal(0, h.Replica.CommitStats.ViewsCounted);
    }

    [Fact]
    public void Answer_CarriesWhatARaiseAdded()
    {
        var h = new Harness();
        h.Add("v", 3);
        h.CompleteAll();
        var raise = h.Submit(ViewRequest.Raise(V, 10));
        h.CompleteAll();
        var answer = h.AnswerOf(raise);
        Assert.Equal((10UL, 7UL), (answer.Totals[0], answer.Added));
        Assert.Equal(10, h.Replica.CommitStats.ViewsCounted);
    }

    [Fact]
    public void CommitStats_CountAppendsAnswersReplaysAndViews()
    {
        var h = new Harness();
        var first = h.Add("v", 2, key: "k1");
        h.Add("w", 3);
        h.CompleteAll();
        h.Add("v", 2, key: "k1"); // a retry: replayed, counts nothing
        h.Add("x", 1);
        Assert.Single(h.InFlight);
        h.Fail(h.InFlight.Keys.Single());
        h.Add("x", 1);
        h.CompleteAll();

        var stats = h.Replica.CommitStats;
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(first).Status);
        Assert.Equal(4, stats.OwnAppends);
        Assert.Equal(1, stats.OwnAppendsFailed);
        Assert.Equal(6, stats.ViewsCounted);
        Assert.Equal(5, stats.RequestsAnswered);
        Assert.Equal(1, stats.RequestsReplayed);
        Assert.Equal(h.Answers.Count, stats.RequestsAnswered);
    }

    [Fact]
    public void CommitStats_CountRetriesAnsweredWithTheFirstAnswer()
    {
        var h = new Harness();
        var first = h.Add("v", 2, key: "k");
        var joined = h.Add("v", 2, key: "k"); // waits for the first
        h.CompleteAll();
        var late = h.Add("v", 2, key: "k");
        Assert.Equal(h.AnswerOf(first).Totals, h.AnswerOf(joined).Totals);
        Assert.True(h.AnswerOf(joined).Replayed && h.AnswerOf(late).Replayed);
        Assert.Equal(2, h.Replica.CommitStats.RequestsReplayed);
        Assert.Equal(3, h.Replica.CommitStats.RequestsAnswered);
        Assert.Equal(2, h.Replica.CommitStats.ViewsCounted);
    }

    [Fact]
    public void CommitStats_CountMergeAppends()
    {
        var pair = new Pair();
        pair.N1.Add("v", 1);
        pair.N1.CompleteAll();
        pair.N1.Tick();
        pair.Deliver(pair.N1);
        Assert.Single(pair.N2.InFlightOf(AppendKind.Merge));
        pair.N2.CompleteAll();
        Assert.Equal(1, pair.N2.Replica.CommitStats.MergeAppends);
        Assert.Equal(0, pair.N2.Replica.CommitStats.OwnAppends);
    }

    [Fact]
    public void Phase_FollowsServingLeavingStopped()
    {
        var h = new Harness();
        Assert.Equal(ReplicaPhase.Serving, h.Replica.Phase);
        h.Replica.Leave();
        Assert.Equal(ReplicaPhase.Leaving, h.Replica.Phase);
        h.Replica.Stop();
        Assert.Equal(ReplicaPhase.Stopped, h.Replica.Phase);
    }
}
