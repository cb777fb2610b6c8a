using Tally.Crdt;

namespace Tally.Replication.Tests;

public class CommitTests
{
    static readonly VideoId V = VideoId.Parse("v");

    [Fact]
    public void TakeReady_AnswersOnlyAfterTheAppendIsDurable_ViewSubmitted()
    {
        var h = new Harness();
        var ticket = h.Add("v", 3);
        var append = Assert.Single(h.InFlight.Values);
        Assert.Equal(AppendKind.Own, append.Kind);
        Assert.Equal(3UL, append.Delta.EntryOf(V, h.Id));
        Assert.False(h.IsAnswered(ticket), "a view must not be answered before its append is durable");
        Assert.Equal(0UL, h.Total("v")); // not applied before durable: peers never learn it early

        h.Complete(append.Number);

        var answer = h.AnswerOf(ticket);
        Assert.Equal(ViewStatus.Ok, answer.Status);
        Assert.Equal([3UL], answer.Totals);
        Assert.Equal([(UInt128)3], answer.Counts);
        Assert.Equal(3UL, h.Total("v"));
        Assert.Equal(3UL, h.OnDisk("v"));
    }

    [Fact]
    public void TakeReady_StartsAtMostCommitsInFlightMax_AndChainsEachOnTheOpenOnes()
    {
        var h = new Harness();
        var a = h.Add("v", 1);
        var b = h.Add("v", 2);
        var c = h.Add("v", 4);
        var own = h.InFlightOf(AppendKind.Own);
        Assert.Equal(2, own.Length);
        Assert.Equal(1, h.Replica.QueuedRequests);
        Assert.Equal(1UL, h.InFlight[own[0]].Delta.EntryOf(V, h.Id));
        Assert.Equal(3UL, h.InFlight[own[1]].Delta.EntryOf(V, h.Id)); // absolute, on top of the first

        h.Complete(own[0]);
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(a).Status);
        Assert.False(h.IsAnswered(b));
        var third = Assert.Single(h.InFlightOf(AppendKind.Own), n => n != own[1]);
        Assert.Equal(7UL, h.InFlight[third].Delta.EntryOf(V, h.Id));

        h.CompleteAll();
        Assert.Equal([3UL], h.AnswerOf(b).Totals);
        Assert.Equal([7UL], h.AnswerOf(c).Totals);
        Assert.Equal(7UL, h.OnDisk("v"));
    }

    [Fact]
    public void TakeReady_GroupsWaitingRequestsIntoOneAppend_WhenSlotsAreBusy()
    {
        var h = new Harness(options: new ReplicaOptions { CommitsInFlightMax = 1, CommitViewsMax = 3 });
        h.Add("v");
        var waiting = Enumerable.Range(0, 5).Select(_ => h.Replica.Submit(ViewRequest.Add(V, 1))).ToList();
        h.Pump();
        h.Complete(h.InFlight.Keys.Single());
        var next = Assert.Single(h.InFlight.Values);
        Assert.Equal(4UL, next.Delta.EntryOf(V, h.Id)); // three requests, CommitViewsMax
        h.CompleteAll();
        Assert.All(waiting, t => Assert.Equal(ViewStatus.Ok, h.AnswerOf(t).Status));
        Assert.Equal(6UL, h.OnDisk("v"));
    }

    [Fact]
    public void AppendDurable_AnswersTheEarlierCommitToo_WhenALaterOneCompletesFirst()
    {
        var h = new Harness();
        var a = h.Add("v", 1);
        var b = h.Add("w", 1);
        var own = h.InFlightOf(AppendKind.Own);

        h.Complete(own[1]);

        // The second batch was built on the first: it holds v too, so both are durable.
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(a).Status);
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(b).Status);
        Assert.Equal(1UL, h.OnDisk("v"));
        h.Complete(own[0]);
        Assert.Equal(1UL, h.Total("v"));
        Assert.Equal(2, h.Answers.Count);
    }

    [Fact]
    public void AppendFailed_AnswersNotCounted_WhenNoLaterAppendCarriedTheViews()
    {
        var h = new Harness();
        var a = h.Add("v", 5);
        h.Fail(h.InFlight.Keys.Single());

        var answer = h.AnswerOf(a);
        Assert.Equal(ViewStatus.StorageFailed, answer.Status);
        Assert.True(answer.Refused);
        Assert.Contains("disk full", answer.Detail);
        Assert.Equal(0UL, h.OnDisk("v"));
        Assert.Equal(0UL, h.Total("v"));

        var b = h.Add("v", 1); // the chain restarts from the applied state, without the failed views
        Assert.Equal(1UL, h.InFlight.Values.Single().Delta.EntryOf(V, h.Id));
        h.CompleteAll();
        Assert.Equal([1UL], h.AnswerOf(b).Totals);
        Assert.Equal(1UL, h.OnDisk("v"));
    }

    [Fact]
    public void AppendFailed_AnswersOk_WhenALaterChainedAppendIsDurable()
    {
        var h = new Harness();
        var a = h.Add("v", 5);
        var b = h.Add("w", 1);
        var own = h.InFlightOf(AppendKind.Own);

        h.Fail(own[0]);
        Assert.False(h.IsAnswered(a), "a failed append's views may still reach the disk in a later append");
        h.Complete(own[1]);

        Assert.Equal(ViewStatus.Ok, h.AnswerOf(a).Status);
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(b).Status);
        Assert.Equal(5UL, h.OnDisk("v")); // counted once: answered Ok, on disk once
        Assert.Equal(1UL, h.OnDisk("w"));
    }

    [Fact]
    public void AppendFailed_AnswersBothNotCounted_WhenTheChainedAppendFailsToo()
    {
        var h = new Harness();
        var a = h.Add("v", 5);
        var b = h.Add("v", 1);
        var own = h.InFlightOf(AppendKind.Own);

        h.Fail(own[1]);
        Assert.False(h.IsAnswered(b), "the second append is open until the first ends: the state is not yet known");
        h.Fail(own[0]);

        Assert.Equal(ViewStatus.StorageFailed, h.AnswerOf(a).Status);
        Assert.Equal(ViewStatus.StorageFailed, h.AnswerOf(b).Status);
        Assert.Equal(0UL, h.OnDisk("v"));
    }

    [Fact]
    public void AppendFailed_StartsNoNewCommit_UntilEveryOneInFlightHasEnded()
    {
        var h = new Harness();
        var a = h.Add("v", 5);
        var b = h.Add("v", 1);
        var own = h.InFlightOf(AppendKind.Own);
        h.Complete(own[0]);
        h.Fail(own[1]);
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(a).Status);
        Assert.Equal(ViewStatus.StorageFailed, h.AnswerOf(b).Status);

        var c = h.Add("v", 2);
        var d = h.Add("v", 3);
        own = h.InFlightOf(AppendKind.Own);
        Assert.Equal(7UL, h.InFlight[own[0]].Delta.EntryOf(V, h.Id)); // 5 durable + 2: the failed 1 is not built on
        h.Fail(own[0]);
        var e = h.Add("v", 4);
        Assert.Single(h.InFlightOf(AppendKind.Own)); // drained: nothing new while the second may still land
        h.Complete(own[1]);
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(c).Status); // carried by the durable second append
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(d).Status);
        h.CompleteAll();
        Assert.Equal([14UL], h.AnswerOf(e).Totals);
        Assert.Equal(14UL, h.OnDisk("v"));
    }

    [Fact]
    public void Submit_RefusesAnOverflowingBatch_LeavingNothingOfItInTheCommit()
    {
        var h = new Harness();
        h.Add("v", 1);
        h.CompleteAll();
        var w = VideoId.Parse("w");
        var a = h.Submit(ViewRequest.Batch([new(w, 1), new(V, ulong.MaxValue)])); // past any entry limit
        var b = h.Submit(ViewRequest.Add(w, 2));
        h.CompleteAll();

        Assert.Equal(ViewStatus.Overflow, h.AnswerOf(a).Status);
        Assert.False(h.AnswerOf(a).Refused, "an overflow is final: a retry would overflow again");
        Assert.Equal([2UL], h.AnswerOf(b).Totals);
        Assert.Equal(2UL, h.OnDisk("w"));
    }

    [Fact]
    public void Submit_RefusesALowerTotal_AndAnswersAnEqualOneWithoutAnAppend()
    {
        var h = new Harness();
        h.Submit(ViewRequest.Raise(V, 10));
        h.CompleteAll();
        var lower = h.Submit(ViewRequest.Raise(V, 9));
        var equal = h.Submit(ViewRequest.Raise(V, 10));

        Assert.Equal(ViewStatus.Regression, h.AnswerOf(lower).Status);
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(equal).Status);
        Assert.Equal([10UL], h.AnswerOf(equal).Totals);
        Assert.Empty(h.InFlight);
    }

    [Fact]
    public void Submit_AnswersBusy_WhenViewQueueMaxRequestsWait()
    {
        var h = new Harness(options: new ReplicaOptions { CommitsInFlightMax = 1, ViewQueueMax = 2 });
        h.Add("v");
        h.Add("v");
        h.Add("v");
        var busy = h.Add("v");
        Assert.Equal(ViewStatus.Busy, h.AnswerOf(busy).Status);
        Assert.True(h.AnswerOf(busy).Refused);
    }

    [Fact]
    public void Stop_AnswersQueuedAndNewRequestsStopped_AndLetsCommitsInFlightFinish()
    {
        var h = new Harness(options: new ReplicaOptions { CommitsInFlightMax = 1 });
        var a = h.Add("v");
        var b = h.Add("v");
        h.Replica.Stop();
        h.Pump();
        var c = h.Add("v");
        Assert.Equal(ViewStatus.Stopped, h.AnswerOf(b).Status);
        Assert.Equal(ViewStatus.Stopped, h.AnswerOf(c).Status);
        Assert.Equal(ReplicaPhase.Stopped, h.Replica.Phase);
        h.CompleteAll();
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(a).Status);
    }

    [Fact]
    public void AppendDurable_Throws_ForAnUnknownNumber()
    {
        var h = new Harness();
        Assert.Throws<ArgumentException>(() => h.Replica.AppendDurable(42));
    }

    [Fact]
    public void Submit_RefusesAtOnce_WhileTheStoreIsUnavailable_AndStartsNoOwnAppend()
    {
        var h = new Harness(options: new ReplicaOptions { CommitsInFlightMax = 1 });
        var inFlight = h.Add("v");
        var queued = h.Add("v");
        h.Replica.StorageUnavailable("disk full");
        h.Pump();
        var late = h.Add("v");

        Assert.Equal(ViewStatus.StorageFailed, h.AnswerOf(queued).Status);
        Assert.Equal(ViewStatus.StorageFailed, h.AnswerOf(late).Status);
        Assert.Contains("disk full", h.AnswerOf(late).Detail);
        Assert.Single(h.InFlight); // only the append started before
        h.CompleteAll();
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(inFlight).Status);
        Assert.Equal(0, h.Replica.OwnAppendsInFlight);

        h.Replica.StorageAvailable();
        var after = h.Add("v");
        h.CompleteAll();
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(after).Status);
        Assert.Equal(2UL, h.OnDisk("v"));
    }
}
