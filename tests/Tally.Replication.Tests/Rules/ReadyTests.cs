using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary><see cref="Ready.IsEmpty"/>: a host may skip a Ready only when it asks for nothing at all.</summary>
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
}
