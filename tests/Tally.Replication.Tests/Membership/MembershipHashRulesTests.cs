using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>The membership hash changes with who is in the cluster (a join, a restart, a leave, a move to another
/// address) and not with heartbeats, and the incremental hash always equals one computed from scratch.</summary>
public class MembershipHashRulesTests
{
    static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    static ReplicaNode NewNode() =>
        new(ReplicaId.Parse("n0"), "http://n0", 1, new ReplicationOptions(), new FakeTimeProvider(Start), new Random(1), null, []);

    static GossipMessage From(long incarnation, long heartbeat, bool left = false, string address = "http://n1") =>
        new() { Kind = GossipKind.Reply, Sender = new MemberRecord(ReplicaId.Parse("n1"), address, incarnation, heartbeat, left) };

    static ulong After(ReplicaNode node, GossipMessage message)
    {
        node.Receive(message);
        Assert.Equal(node.ComputeMembersHash(), node.MembersHash);
        return node.MembersHash;
    }

    [Fact]
    public void MembersHash_Changes_OnAJoinARestartAMoveAndALeave_ButNotOnAHeartbeat()
    {
        var node = NewNode();
        var alone = node.MembersHash;
        var joined = After(node, From(1, 1));
        Assert.NotEqual(alone, joined);
        Assert.Equal(joined, After(node, From(1, 2)));
        var restarted = After(node, From(2, 1));
        Assert.NotEqual(joined, restarted);
        var moved = After(node, From(2, 2, address: "http://elsewhere"));
        Assert.NotEqual(restarted, moved);
        var left = After(node, From(2, 3, left: true, address: "http://elsewhere"));
        Assert.NotEqual(moved, left);
    }

    [Fact]
    public void MembersHash_Differs_BetweenIncarnationsAndLeftFlagsOfOneMember()
    {
        var hashes = new HashSet<ulong>();
        foreach (var incarnation in new long[] { 1, 2, 3 })
        {
            foreach (var left in new[] { false, true })
            {
                var node = NewNode();
                Assert.True(hashes.Add(After(node, From(incarnation, 1, left))), $"incarnation {incarnation}, left {left} must hash apart from the others");
            }
        }
    }

    [Fact]
    public void Learn_MovesPastItsOwnIncarnation_WhenAPeerKnowsAGreaterOne()
    {
        var node = NewNode();
        node.Receive(From(1, 1));
        node.Receive(new GossipMessage
        {
            Kind = GossipKind.Reply,
            Sender = new MemberRecord(ReplicaId.Parse("n1"), "http://n1", 1, 2, false),
            Members = [new MemberRecord(node.Id, node.Address, 50, 9, false)],
        });
        Assert.Equal(51, node.Incarnation);
        Assert.Equal(node.ComputeMembersHash(), node.MembersHash);
    }
}
