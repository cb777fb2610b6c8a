using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>The bookkeeping of merge appends: the rows they add toward a snapshot, the merges a retried append
/// stands for (which decide when held messages leave), and when a failed one is tried again.</summary>
public class MergeAppendTests
{
    static MemberRecord Peer(string id) => new(ReplicaId.Parse(id), id, 1, 1, false);

    /// <summary>A push from <paramref name="id"/> carrying its first change: its entry of each video.</summary>
    static GossipMessage PushFrom(string id, params string[] videos)
    {
        var delta = new CounterMap();
        foreach (var video in videos)
        {
            delta.RaiseTo(VideoId.Parse(video), ReplicaId.Parse(id), 1);
        }
        return new GossipMessage { Kind = GossipKind.Push, Sender = Peer(id), HasDelta = true, DeltaBase = 0, DeltaUpTo = 1, Delta = delta };
    }

    [Fact]
    public void RowsSinceSnapshot_CountsTheMergedVideos_OnceTheMergeAppendIsDurable()
    {
        var h = new Harness(seeds: ["n2"]);
        h.Receive(PushFrom("n2", "a", "b", "c"));
        var merge = Assert.Single(h.InFlightOf(AppendKind.Merge));
        Assert.Equal(0, h.Replica.RowsSinceSnapshot);
        h.Complete(merge);
        Assert.Equal(3, h.Replica.RowsSinceSnapshot);
    }

    [Fact]
    public void AppendFailed_RetriesTheMergeOnlyAtTheNextTick_WithTheMergesMadeMeanwhile_AndReleasesEveryReplyAfterIt()
    {
        var h = new Harness(seeds: ["n2", "n3"]);
        h.Receive(PushFrom("n2", "a"));
        var first = Assert.Single(h.InFlightOf(AppendKind.Merge));
        h.Receive(PushFrom("n3", "b")); // merged while the first merge append is in flight: it waits
        Assert.Single(h.InFlightOf(AppendKind.Merge));
        Assert.Equal(2, h.Replica.HeldMessages);

        h.Fail(first);
        Assert.True(h.InFlightOf(AppendKind.Merge).Length == 0, "a failed merge append is tried again at the next tick, not at once");
        h.Replica.Tick();
        h.Pump();
        var retry = h.InFlight[Assert.Single(h.InFlightOf(AppendKind.Merge))];
        Assert.Equal(1UL, retry.Delta.EntryOf(VideoId.Parse("a"), ReplicaId.Parse("n2")));
        Assert.Equal(1UL, retry.Delta.EntryOf(VideoId.Parse("b"), ReplicaId.Parse("n3")));
        Assert.Empty(h.Sent);

        h.Complete(retry.Number);

        // The retry holds both merges: both replies (and the tick's pushes) leave.
        Assert.Equal(0, h.Replica.HeldMessages);
        Assert.Contains(h.Sent, m => m.Address == "n2" && m.Message.Kind == GossipKind.Reply);
        Assert.Contains(h.Sent, m => m.Address == "n3" && m.Message.Kind == GossipKind.Reply);
        Assert.Equal(2, h.Replica.RowsSinceSnapshot);
    }

    [Fact]
    public void SnapshotDone_KeepsCountingTheRowsAppendedWhileItWasWritten()
    {
        var h = new Harness(seeds: ["n2"]);
        h.Add("v");
        h.CompleteAll();
        Assert.Equal(1, h.Replica.RowsSinceSnapshot);
        h.Replica.RequestSnapshot();
        h.Pump();
        Assert.NotNull(h.Snapshot);

        h.Receive(PushFrom("n2", "a", "b"));
        h.Complete(Assert.Single(h.InFlightOf(AppendKind.Merge)));
        Assert.Equal(3, h.Replica.RowsSinceSnapshot);
        h.SnapshotDone();

        Assert.Equal(2, h.Replica.RowsSinceSnapshot); // the snapshot covers the 1 row before it, not the merge after
    }
}
