using Tally.Crdt;

namespace Tally.Replication.Tests;

public class SnapshotTests
{
    [Fact]
    public void TakeReady_RequestsASnapshot_WhenTheRowsSinceTheLastOneReachTheState()
    {
        var h = new Harness(options: new ReplicaOptions { SnapshotRowsMin = 3 });
        h.Add("a");
        h.CompleteAll();
        h.Add("b");
        h.CompleteAll();
        Assert.Null(h.Snapshot);
        h.Add("c");
        h.CompleteAll();

        var snapshot = Assert.IsType<SnapshotRequest>(h.Snapshot);
        Assert.Equal(3, snapshot.State.Count);
        // The keys the replica still remembers: accepted after now - window (a key exactly a window old is forgotten).
        Assert.Equal(new KeyRetention(h.Time.GetUtcNow().ToUnixTimeMilliseconds() - (long)h.Options.IdempotencyWindow.TotalMilliseconds + 1,
            h.Options.IdempotencyKeysMax), snapshot.Keys);
        Assert.Equal(3, h.Replica.RowsSinceSnapshot);
        h.SnapshotDone();
        Assert.Equal(0, h.Replica.RowsSinceSnapshot);
        Assert.Equal(1UL, h.OnDisk("c"));
        Assert.Equal(1, h.Replica.CommitStats.Snapshots);
    }

    [Fact]
    public void TakeReady_StartsTheSnapshotAfterTheOwnCommitsInFlight_AndHoldsNewOnesUntilThen()
    {
        var h = new Harness(options: new ReplicaOptions { SnapshotRowsMin = 1 });
        h.Add("a");
        var second = h.Add("a");
        var own = h.InFlightOf(AppendKind.Own);
        h.Complete(own[0]); // one row: due, but the second batch is not in the state yet
        Assert.Null(h.Snapshot);
        var third = h.Add("a");
        Assert.Single(h.InFlight); // held until the snapshot has started

        h.Complete(own[1]);
        var snapshot = Assert.IsType<SnapshotRequest>(h.Snapshot);
        Assert.Equal(2UL, snapshot.State.EntryOf(VideoId.Parse("a"), h.Id));
        var next = Assert.Single(h.InFlight.Values);
        Assert.True(next.Number > snapshot.Number, "appends after the snapshot are numbered after it");
        h.SnapshotDone();
        h.CompleteAll();
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(second).Status);
        Assert.Equal(ViewStatus.Ok, h.AnswerOf(third).Status);
        Assert.Equal(3UL, h.OnDisk("a"));
    }

    [Fact]
    public void AppendDurable_RequestsASnapshot_WhenTheStoreSaysOneIsDue()
    {
        var h = new Harness();
        h.Add("a");
        h.Complete(h.InFlight.Keys.Single(), snapshotDue: true);
        Assert.NotNull(h.Snapshot);
    }

    [Fact]
    public void SnapshotFailed_TriesAgainAfterTheNextTick()
    {
        var h = new Harness();
        h.Replica.RequestSnapshot();
        h.Pump();
        var failed = Assert.IsType<SnapshotRequest>(h.Snapshot);
        h.SnapshotFailed();
        Assert.Null(h.Snapshot); // not again in a tight loop
        Assert.Throws<ArgumentException>(() => h.Replica.SnapshotDone(failed.Number));
        h.Pump();
        Assert.Null(h.Snapshot);
        h.Tick();
        Assert.NotNull(h.Snapshot);
    }

    [Fact]
    public void SnapshotDone_ReleasesTheMessagesOfTheMergesItHolds()
    {
        var pair = new Pair();
        pair.N1.Add("v", 3);
        pair.N1.CompleteAll();
        pair.N1.Tick();
        pair.Deliver(pair.N1);
        Assert.Empty(pair.N2.Sent);

        pair.N2.Replica.RequestSnapshot();
        pair.N2.Pump();
        Assert.Equal(3UL, pair.N2.Snapshot!.State.EntryOf(VideoId.Parse("v"), pair.N1.Id));
        pair.N2.SnapshotDone();
        Assert.Single(pair.N2.Sent); // durable in the snapshot, though its merge append is still in flight
        Assert.Single(pair.N2.InFlight);
    }
}
