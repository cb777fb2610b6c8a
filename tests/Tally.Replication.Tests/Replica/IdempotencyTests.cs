using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

public class IdempotencyTests
{
    static readonly VideoId V = VideoId.Parse("v");

    [Fact]
    public void Submit_CountsEveryRequest_WithoutAKey()
    {
        var h = new Harness();
        var first = h.Add("v", 1);
        var second = h.Add("v", 1);
        h.CompleteAll();

        Assert.All([first, second], t => Assert.Equal(ViewStatus.Ok, h.AnswerOf(t).Status));
        Assert.False(h.AnswerOf(second).Replayed, "a request without a key is never a replay");
        Assert.Equal(0, h.Replica.KeysRemembered);
        Assert.All(h.Appends.Values, a => Assert.Empty(a.Keys));
        Assert.Equal(2UL, h.OnDisk("v"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ключ")]
    [InlineData("tab\tkey")]
    public void Submit_Throws_ForAMalformedKey(string key)
    {
        var h = new Harness();
        Assert.Throws<ArgumentException>(() => h.Replica.Submit(ViewRequest.Add(V, 1, key)));
        Assert.Throws<ArgumentException>(() => h.Replica.Submit(ViewRequest.Add(V, 1, new string('k', IdempotencyRecord.KeyLengthMax + 1))));
        h.Pump();
        Assert.Empty(h.InFlight);
        Assert.Equal(0, h.Replica.KeysRemembered);
    }

    [Fact]
    public void Submit_ForgetsTheKeyOfARefusal_WhileLeavingOrStopping()
    {
        var leaving = new Harness();
        leaving.Leave();
        var stopping = new Harness();
        stopping.Replica.Stop();
        foreach (var (h, status) in new[] { (leaving, ViewStatus.Leaving), (stopping, ViewStatus.Stopped) })
        {
            var first = h.Add("v", 1, key: "k1");
            var retry = h.Add("v", 1, key: "k1");
            Assert.Equal(status, h.AnswerOf(first).Status);
            Assert.Equal(status, h.AnswerOf(retry).Status);
            Assert.False(h.AnswerOf(retry).Replayed, "the retry of a refused request is a new request");
            Assert.Equal(0, h.Replica.KeysRemembered);
            Assert.Empty(h.InFlight);
        }
    }

    [Fact]
    public void Submit_ReplaysTheFirstAnswer_ForARetryAfterIt()
    {
        var h = new Harness();
        var first = h.Add("v", 3, key: "k1");
        h.CompleteAll();
        h.Add("v", 1);
        h.CompleteAll();
        var retry = h.Add("v", 3, key: "k1");

        var answer = h.AnswerOf(retry);
        Assert.Equal(ViewStatus.Ok, answer.Status);
        Assert.True(answer.Replayed);
        Assert.Equal(0UL, answer.Added);
        Assert.Equal(h.AnswerOf(first).Totals, answer.Totals);
        Assert.Equal([(UInt128)4], answer.Counts); // today's count (never lower than the first answer's)
        Assert.Empty(h.InFlight);
        Assert.Equal(4UL, h.OnDisk("v"));
    }

    [Fact]
    public void Submit_GivesARetryInFlightTheFirstAnswer_WhenItArrives()
    {
        var h = new Harness();
        var first = h.Add("v", 3, key: "k1");
        var retry = h.Add("v", 3, key: "k1");
        Assert.Single(h.InFlight);
        Assert.False(h.IsAnswered(retry));

        h.CompleteAll();
        Assert.Equal(h.AnswerOf(first).Totals, h.AnswerOf(retry).Totals);
        Assert.True(h.AnswerOf(retry).Replayed);
        Assert.Equal(3UL, h.OnDisk("v"));
    }

    [Fact]
    public void Submit_CountsARetry_WhenTheFirstTryWasNotCounted()
    {
        var h = new Harness();
        var first = h.Add("v", 3, key: "k1");
        var joined = h.Add("v", 3, key: "k1");
        h.Fail(h.InFlight.Keys.Single());
        Assert.Equal(ViewStatus.StorageFailed, h.AnswerOf(first).Status);
        Assert.Equal(ViewStatus.StorageFailed, h.AnswerOf(joined).Status);

        var retry = h.Add("v", 3, key: "k1");
        h.CompleteAll();
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(retry).Status);
        Assert.False(h.AnswerOf(retry).Replayed);
        Assert.Equal(3UL, h.OnDisk("v"));
    }

    [Fact]
    public void Submit_ForgetsABusyFirstTry()
    {
        var h = new Harness(options: new ReplicaOptions { CommitsInFlightMax = 1, ViewQueueMax = 1 });
        h.Add("v");
        h.Add("v");
        var busy = h.Add("v", 1, key: "k1");
        Assert.Equal(ViewStatus.Busy, h.AnswerOf(busy).Status);
        h.CompleteAll();
        var retry = h.Add("v", 1, key: "k1");
        h.CompleteAll();
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(retry).Status);
        Assert.False(h.AnswerOf(retry).Replayed);
    }

    [Fact]
    public void Submit_AnswersKeyConflict_ForTheSameKeyWithADifferentRequest()
    {
        var h = new Harness();
        h.Add("v", 3, key: "k1");
        var other = h.Add("v", 4, key: "k1");
        var otherVideo = h.Add("w", 3, key: "k1");
        var raise = h.Submit(ViewRequest.Raise(V, 3, "k1"));
        var batch = h.Submit(ViewRequest.Batch([new(V, 3)], "k1"));

        Assert.Equal(ViewStatus.KeyConflict, h.AnswerOf(other).Status);
        Assert.Equal(ViewStatus.KeyConflict, h.AnswerOf(otherVideo).Status);
        Assert.Equal(ViewStatus.KeyConflict, h.AnswerOf(raise).Status);
        Assert.Equal(ViewStatus.KeyConflict, h.AnswerOf(batch).Status);
        Assert.False(h.AnswerOf(other).Refused, "a conflict is final: the key stays the first request's");
        h.CompleteAll();
        Assert.Equal(3UL, h.OnDisk("v"));
    }

    [Fact]
    public void Submit_RemembersAFinalRefusal()
    {
        var h = new Harness();
        h.Submit(ViewRequest.Raise(V, 10));
        h.CompleteAll();
        var first = h.Submit(ViewRequest.Raise(V, 5, "k1"));
        var retry = h.Submit(ViewRequest.Raise(V, 5, "k1"));
        Assert.Equal(ViewStatus.Regression, h.AnswerOf(first).Status);
        Assert.Equal(ViewStatus.Regression, h.AnswerOf(retry).Status);
        Assert.True(h.AnswerOf(retry).Replayed);

        var tooHigh = h.Submit(ViewRequest.Raise(V, GCounter.SetMax + 1, "k2"));
        var again = h.Submit(ViewRequest.Raise(V, GCounter.SetMax + 1, "k2"));
        Assert.Equal(ViewStatus.Overflow, h.AnswerOf(tooHigh).Status);
        Assert.Equal(ViewStatus.Overflow, h.AnswerOf(again).Status);
        Assert.True(h.AnswerOf(again).Replayed);
        Assert.Empty(h.InFlight);
    }

    [Fact]
    public void Submit_AnswersFromKeysLoadedAtStart_InsideTheWindowOnly()
    {
        var time = new FakeTimeProvider(Harness.Start);
        var options = new ReplicaOptions { IdempotencyWindow = TimeSpan.FromMinutes(1) };
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var w = VideoId.Parse("w");
        var batch = ViewRequest.Batch([new(V, 1), new(w, 2)], "fresh");
        var node = new ReplicaNode(ReplicaId.Parse("n1"), "n1", 1, new ReplicationOptions(), time, new Random(1), null, []);
        var replica = new Replica(node, options, time, [
            new IdempotencyRecord("old", Fingerprints.Of(ViewRequest.Add(V, 1)), now - 60_000, [3]),
            new IdempotencyRecord("fresh", Fingerprints.Of(batch), now - 59_000, [4, 9]),
        ]);

        var fresh = replica.Submit(batch);
        var old = replica.Submit(ViewRequest.Add(V, 1, "old"));
        var other = replica.Submit(ViewRequest.Batch([new(V, 1), new(w, 3)], "fresh"));
        var ready = replica.TakeReady();

        var answers = ready.Answers.ToDictionary(a => a.Ticket);
        Assert.True(answers[fresh] is { Status: ViewStatus.Ok, Replayed: true }, "a loaded key inside the window answers its retry");
        Assert.Equal([4UL, 9UL], answers[fresh].Totals);
        Assert.Equal(ViewStatus.KeyConflict, answers[other].Status);
        Assert.False(answers.ContainsKey(old), "a loaded key past the window is forgotten: its retry is a new request, counted");
        Assert.Equal(["old"], ready.Appends.Single().Keys.Select(k => k.Key));
        Assert.Equal(1, replica.QueuedRequests + replica.OwnAppendsInFlight);
    }

    [Fact]
    public void Submit_CountsAgain_AfterTheWindow()
    {
        var h = new Harness(options: new ReplicaOptions { IdempotencyWindow = TimeSpan.FromMinutes(1) });
        h.Add("v", 3, key: "k1");
        h.CompleteAll();
        h.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(h.AnswerOf(h.Add("v", 3, key: "k1")).Replayed);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var late = h.Add("v", 3, key: "k1");
        h.CompleteAll();
        Assert.False(h.AnswerOf(late).Replayed);
        Assert.Equal(6UL, h.OnDisk("v"));
    }

    [Fact]
    public void Submit_ForgetsTheOldestKeys_BeyondIdempotencyKeysMax()
    {
        var h = new Harness(options: new ReplicaOptions { IdempotencyKeysMax = 2 });
        foreach (var key in new[] { "a", "b", "c" })
        {
            h.Add("v", 1, key);
            h.CompleteAll();
        }
        Assert.Equal(2, h.Replica.KeysRemembered);
        Assert.True(h.AnswerOf(h.Add("v", 1, "c")).Replayed);
        var forgotten = h.Add("v", 1, "a");
        h.CompleteAll();
        Assert.False(h.AnswerOf(forgotten).Replayed);
    }

    [Fact]
    public void Submit_KeepsKeysMaxKeys_WhenForgottenRefusalsAreStillQueued()
    {
        var h = new Harness(options: new ReplicaOptions { IdempotencyKeysMax = 2, CommitsInFlightMax = 1, ViewQueueMax = 1 });
        h.Add("v", 1, "a");
        h.Add("v", 1, "b");
        Assert.Equal(ViewStatus.Busy, h.AnswerOf(h.Add("v", 1, "refused")).Status);
        h.CompleteAll();
        h.Add("v", 1, "c");
        h.CompleteAll();

        Assert.Equal(2, h.Replica.KeysRemembered);
        Assert.True(h.AnswerOf(h.Add("v", 1, "b")).Replayed, "a forgotten refusal must not push a counted key out");
    }

    [Fact]
    public void Submit_IgnoresKeys_WhenIdempotencyKeysMaxIsZero()
    {
        var h = new Harness(options: new ReplicaOptions { IdempotencyKeysMax = 0 });
        h.Add("v", 1, "k");
        h.CompleteAll();
        Assert.All(h.Appends.Values, a => Assert.Empty(a.Keys));
        var again = h.Add("v", 1, "k");
        h.CompleteAll();
        Assert.False(h.AnswerOf(again).Replayed);
        Assert.Equal(2UL, h.OnDisk("v"));
    }

    [Fact]
    public void TakeReady_CarriesTheKeysOfEveryOpenCommit_InTheAppendThatCoversThem()
    {
        var h = new Harness();
        h.Add("v", 3, key: "k1");
        h.Add("w", 1, key: "k2");
        var own = h.InFlightOf(AppendKind.Own);
        Assert.Equal(["k1"], h.InFlight[own[0]].Keys.Select(k => k.Key));
        Assert.Equal(["k1", "k2"], h.InFlight[own[1]].Keys.Select(k => k.Key));
        var record = h.InFlight[own[0]].Keys[0];
        Assert.Equal([3UL], record.Totals);
        Assert.Equal(Harness.Start.ToUnixTimeMilliseconds(), record.AcceptedUnixMs);
        Assert.Equal(Fingerprints.Of(ViewRequest.Add(V, 3, "k1")), record.Fingerprint);
    }

    [Fact]
    public void Submit_ReplaysAKeyLoadedFromDisk_AfterARestart_WhenOnlyALaterAppendHeldIt()
    {
        var h = new Harness();
        var first = h.Add("v", 3, key: "k1");
        h.Add("w", 1);
        var own = h.InFlightOf(AppendKind.Own);
        h.Fail(own[0]);
        h.Complete(own[1]);
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(first).Status);

        h.CrashAndRestart();
        var retry = h.Add("v", 3, key: "k1");
        var answer = h.AnswerOf(retry);
        Assert.Equal(ViewStatus.Ok, answer.Status);
        Assert.True(answer.Replayed);
        Assert.Equal([3UL], answer.Totals);
        Assert.Equal([(UInt128)3], answer.Counts);
        Assert.Empty(h.InFlight);
        Assert.Equal(3UL, h.OnDisk("v"));
    }

    [Fact]
    public void Fingerprints_Differ_ForDifferentKindsVideosAndAmounts()
    {
        var w = VideoId.Parse("w");
        UInt128[] prints =
        [
            Fingerprints.Of(ViewRequest.Add(V, 3)), Fingerprints.Of(ViewRequest.Raise(V, 3)),
            Fingerprints.Of(ViewRequest.Batch([new(V, 3)])), Fingerprints.Of(ViewRequest.Add(w, 3)),
            Fingerprints.Of(ViewRequest.Add(V, 4)), Fingerprints.Of(ViewRequest.Batch([new(V, 3), new(w, 1)])),
        ];
        Assert.Equal(prints.Length, prints.Distinct().Count());
        Assert.Equal(Fingerprints.Of(ViewRequest.Add(V, 3, "a")), Fingerprints.Of(ViewRequest.Add(V, 3, "b")));
    }
}
