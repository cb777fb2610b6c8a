using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>The order in which an own append resolves the commits it covers, and what a commit already resolved
/// through a later one changes when its own outcome arrives.</summary>
public class CommitOrderTests
{
    /// <summary>Reports append <paramref name="number"/> durable and takes the Ready it causes, without the harness
    /// (whose answers are a dictionary, with no order).</summary>
    static Ready CompleteAndTake(Harness h, long number)
    {
        Assert.True(h.InFlight.Remove(number, out var append), $"append {number} is not in flight");
        h.Disk.Write(append);
        h.Replica.AppendDurable(number);
        return h.Replica.TakeReady();
    }

    [Fact]
    public void AppendDurable_AnswersTheCoveredCommitsFirst_WhenALaterOneCompletesFirst()
    {
        var h = new Harness(options: new ReplicaOptions { CommitsInFlightMax = 3 });
        var a = h.Add("a");
        var b = h.Add("b");
        var c = h.Add("c");
        var own = h.InFlightOf(AppendKind.Own);
        Assert.Equal(3, own.Length);

        var ready = CompleteAndTake(h, own[2]);

        Assert.Equal([a, b, c], ready.Answers.Select(x => x.Ticket));
        Assert.All(ready.Answers, x => Assert.Equal(ViewStatus.Ok, x.Status));
    }

    [Fact]
    public void TakeReady_PutsTheCoveredCommitsKeysFirst_InAChainedAppend()
    {
        var h = new Harness(options: new ReplicaOptions { CommitsInFlightMax = 3 });
        h.Add("a", key: "ka");
        h.Add("b", key: "kb");
        h.Add("c", key: "kc");
        var own = h.InFlightOf(AppendKind.Own);
        Assert.Equal(["ka"], h.InFlight[own[0]].Keys.Select(k => k.Key));
        Assert.Equal(["ka", "kb"], h.InFlight[own[1]].Keys.Select(k => k.Key));
        Assert.Equal(["ka", "kb", "kc"], h.InFlight[own[2]].Keys.Select(k => k.Key));
    }

    [Fact]
    public void AppendDurable_AnswersNothingAgain_WhenACoveredCommitCompletesLater()
    {
        var h = new Harness(options: new ReplicaOptions { CommitsInFlightMax = 3 });
        h.Add("a");
        h.Add("b");
        var own = h.InFlightOf(AppendKind.Own);
        Assert.Equal(2, CompleteAndTake(h, own[1]).Answers.Count);

        var late = CompleteAndTake(h, own[0]);

        Assert.Empty(late.Answers);
        Assert.Equal(2, h.Replica.CommitStats.RequestsAnswered);
        Assert.Equal(1UL, h.Total("a"));
    }

    [Fact]
    public void RowsSinceSnapshot_CountsEveryDurableOwnAppend_WhateverTheOrderTheyAreReported()
    {
        // Both records are in the log, whichever the host reports first: a snapshot is due by the log's rows. (The
        // count once left out a record reported after a later one had answered its views: 2 rows instead of 3.)
        foreach (var laterFirst in new[] { false, true })
        {
            var h = new Harness();
            h.Add("a");
            h.Add("b");
            var own = h.InFlightOf(AppendKind.Own);
            Assert.Equal(1, h.InFlight[own[0]].Delta.Count);
            Assert.Equal(2, h.InFlight[own[1]].Delta.Count);
            foreach (var number in laterFirst ? Enumerable.Reverse(own) : own)
            {
                h.Complete(number);
            }
            Assert.True(h.Replica.RowsSinceSnapshot == 3,
                $"the log holds 3 rows, the replica counts {h.Replica.RowsSinceSnapshot} (later append reported first: {laterFirst})");
        }
    }

    [Fact]
    public void AppendFailed_KeepsStartingCommits_WhenTheFailedAppendWasCoveredByADurableOne()
    {
        // a, b, c in flight; b is durable, so a's views are durable too: a's own failure changes nothing, and the
        // replica need not wait for c before it commits again.
        var h = new Harness(options: new ReplicaOptions { CommitsInFlightMax = 3 });
        var a = h.Add("a");
        h.Add("b");
        h.Add("c");
        var own = h.InFlightOf(AppendKind.Own);
        h.Complete(own[1]);
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(a).Status);

        h.Fail(own[0]);
        var d = h.Add("d");

        Assert.Equal(2, h.InFlightOf(AppendKind.Own).Length);
        Assert.Equal(0, h.Replica.QueuedRequests);
        h.CompleteAll();
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(d).Status);
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(a).Status);
    }
}
