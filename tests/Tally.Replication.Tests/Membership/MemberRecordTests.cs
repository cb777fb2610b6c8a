using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Records of one member are ordered by (incarnation, left, heartbeat): a restart beats anything of an
/// earlier start, having left beats any heartbeat of the same start, and otherwise the higher heartbeat wins.</summary>
public class MemberRecordTests
{
    static MemberRecord Record(long incarnation, long heartbeat, bool left) => new(ReplicaId.Parse("n1"), "http://n1", incarnation, heartbeat, left);

    [Fact]
    public void Supersedes_IsTrue_ForALaterIncarnation_WhateverItsHeartbeatAndLeft()
    {
        var restarted = Record(incarnation: 2, heartbeat: 0, left: false);
        var old = Record(incarnation: 1, heartbeat: 100, left: true);
        Assert.True(restarted.Supersedes(old), "a new start must supersede the last words of the old one, even its leave");
        Assert.False(old.Supersedes(restarted), "an earlier start must never supersede a later one");
    }

    [Fact]
    public void Supersedes_IsTrue_ForLeft_OverAnyHeartbeatOfTheSameIncarnation()
    {
        var left = Record(incarnation: 1, heartbeat: 0, left: true);
        var running = Record(incarnation: 1, heartbeat: 100, left: false);
        Assert.True(left.Supersedes(running), "having left is final for an incarnation");
        Assert.False(running.Supersedes(left), "a later heartbeat must not undo a leave");
    }

    [Fact]
    public void Supersedes_IsTrue_ForAHigherHeartbeat_WhenIncarnationAndLeftAreEqual()
    {
        Assert.True(Record(1, 5, false).Supersedes(Record(1, 4, false)));
        Assert.False(Record(1, 4, false).Supersedes(Record(1, 5, false)));
        Assert.True(Record(1, 5, true).Supersedes(Record(1, 4, true)));
        Assert.False(Record(1, 4, true).Supersedes(Record(1, 5, true)));
    }

    [Fact]
    public void Supersedes_IsFalse_ForAnEqualRecord()
    {
        Assert.False(Record(3, 7, false).Supersedes(Record(3, 7, false)), "a record carries nothing new for its equal");
        Assert.False(Record(3, 7, true).Supersedes(Record(3, 7, true)), "a record carries nothing new for its equal");
    }

    [Fact]
    public void Supersedes_IsTheLexicographicOrderOfIncarnationLeftHeartbeat_ForEveryPairOfSmallRecords()
    {
        var records = (from i in new long[] { 0, 1, 2 }
                       from l in new[] { false, true }
                       from h in new long[] { 0, 1, 2 }
                       select Record(i, h, l)).ToList();
        foreach (var a in records)
        {
            foreach (var b in records)
            {
                var expected = (a.Incarnation, a.Left ? 1 : 0, a.Heartbeat).CompareTo((b.Incarnation, b.Left ? 1 : 0, b.Heartbeat)) > 0;
                Assert.True(a.Supersedes(b) == expected, $"{a} supersedes {b} must be {expected}");
            }
        }
    }
}
