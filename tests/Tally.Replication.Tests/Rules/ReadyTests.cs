using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary><see cref="Ready.IsEmpty"/>: a host may skip a Ready only when it asks for nothing at all; and the replica
/// gives a Ready that asks only one thing.</summary>
public class ReadyTests
{
    [Fact]
    public void IsEmpty_IsTrue_OnlyWhenNothingIsAsked()
    {
        Assert.True(Ready.Empty.IsEmpty);
        var append = new Append(1, AppendKind.Own, new CounterMap(), []);
        var message = new Outgoing("n2", new GossipMessage { Kind = GossipKind.Push, Sender = new MemberRecord(ReplicaId.Parse("n1"), "n1", 1, 1, false) });
        var answer = new ViewAnswer(new ViewTicket(1), ViewStatus.Ok, null, [1], [1], 1, false);
        Ready[] asking =
        [
            Ready.Empty with { Appends = [append] },
            Ready.Empty with { Messages = [message] },
            Ready.Empty with { Answers = [answer] },
            Ready.Empty with { Snapshot = new SnapshotRequest(1, new CounterMap(), KeyRetention.None) },
            Ready.Empty with { Exit = new ExitRequest(ExitReason.Left, "done") },
            Ready.Empty with { Cluster = default(ClusterIdentity) },
            Ready.Empty with { NameConflicts = [] },
        ];
        foreach (var ready in asking)
        {
            Assert.False(ready.IsEmpty, $"{ready} asks for something");
        }
    }

    [Fact]
    public void TakeReady_GivesTheNameConflicts_WhenTheyAreAllThatChanged()
    {
        // The merge append is in flight, so the round's pushes are held: the new conflict is all this Ready carries.
        var h = new Harness(id: "n1~aaaaaaaaaa");
        var twin = new MemberRecord(ReplicaId.Parse("n1~bbbbbbbbbb"), "other", 1, 1, false);
        h.Receive(new GossipMessage
        {
            Kind = GossipKind.Reply,
            Sender = twin,
            HasDelta = true,
            DeltaUpTo = 1,
            Delta = CounterMap.Single(VideoId.Parse("v"), twin.Id, 1),
        });
        Assert.Single(h.InFlightOf(AppendKind.Merge));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = twin with { Heartbeat = 2 } });

        h.Replica.Tick();
        var ready = h.Replica.TakeReady();

        Assert.Equal(["n1"], ready.NameConflicts);
        Assert.Empty(ready.Messages);
        Assert.Empty(ready.Appends);
        Assert.True(h.Replica.TakeReady().IsEmpty, "the conflict is handed over once");
    }
}
