using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>What a node derives about one peer: its status from the time since it was last heard, and the marks a
/// restart of the peer must reset.</summary>
public class PeerTests
{
    static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly ReplicationOptions Options = new() { SuspectAfter = TimeSpan.FromSeconds(4), DownAfter = TimeSpan.FromSeconds(10) };
    static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    static Peer NewPeer(bool left = false) => new(new MemberRecord(ReplicaId.Parse("n2"), "http://n2", 1, 1, left), Start);

    [Fact]
    public void StatusAt_IsAlive_UntilSuspectAfterHasPassedSinceLastHeard()
    {
        var peer = NewPeer();
        Assert.Equal(MemberStatus.Alive, peer.StatusAt(Start, Options));
        Assert.Equal(MemberStatus.Alive, peer.StatusAt(Start + Options.SuspectAfter - Tick, Options));
    }

    [Fact]
    public void StatusAt_IsSuspect_FromSuspectAfterUntilDownAfter()
    {
        var peer = NewPeer();
        Assert.Equal(MemberStatus.Suspect, peer.StatusAt(Start + Options.SuspectAfter, Options));
        Assert.Equal(MemberStatus.Suspect, peer.StatusAt(Start + Options.DownAfter - Tick, Options));
    }

    [Fact]
    public void StatusAt_IsDown_FromDownAfter()
    {
        var peer = NewPeer();
        Assert.Equal(MemberStatus.Down, peer.StatusAt(Start + Options.DownAfter, Options));
        Assert.Equal(MemberStatus.Down, peer.StatusAt(Start + TimeSpan.FromDays(1), Options));
    }

    [Fact]
    public void StatusAt_CountsFromLastHeard_NotFromFirstSeen()
    {
        var peer = NewPeer();
        peer.LastHeard = Start + TimeSpan.FromSeconds(30);
        Assert.Equal(MemberStatus.Alive, peer.StatusAt(Start + TimeSpan.FromSeconds(31), Options));
        Assert.Equal(MemberStatus.Suspect, peer.StatusAt(Start + TimeSpan.FromSeconds(34), Options));
        Assert.Equal(MemberStatus.Down, peer.StatusAt(Start + TimeSpan.FromSeconds(40), Options));
    }

    [Fact]
    public void StatusAt_IsLeft_ForAMemberThatLeft_HoweverRecentlyHeard()
    {
        var peer = NewPeer(left: true);
        Assert.Equal(MemberStatus.Left, peer.StatusAt(Start, Options));
        Assert.Equal(MemberStatus.Left, peer.StatusAt(Start + TimeSpan.FromDays(1), Options));
    }

    [Fact]
    public void Restarted_ForgetsEveryMarkAndOwedRepair_AndKeepsWhenItWasHeard()
    {
        var peer = NewPeer();
        var heard = Start + TimeSpan.FromSeconds(3);
        peer.LastHeard = heard;
        peer.LastExchange = heard;
        peer.MembersHash = 42;
        peer.SentAck = 7;
        peer.RecvMark = 9;
        peer.Synced = true;
        peer.OwedRepair = ([1], 4, 9);
        peer.OwedWant = ([2], 4, 9);
        peer.OwedDigest = true;
        peer.DeltaSentUpTo = 5;
        peer.DeltaSentPartial = true;
        peer.EntryBase = 4;
        peer.HeldAllAt = 3;
        Assert.True(peer.HasOwedWork);

        peer.Restarted(version: 11);

        Assert.Equal(0, peer.SentAck);
        Assert.Equal(0, peer.RecvMark);
        Assert.False(peer.Synced, "a restarted peer is not synced until a delta, repair or equal digest says so");
        Assert.Null(peer.OwedRepair);
        Assert.Null(peer.OwedWant);
        Assert.False(peer.OwedDigest, "a digest owed to the old process is not owed to the new one");
        Assert.False(peer.HasOwedWork);
        Assert.Equal((0L, false, 0L, 0L), (peer.DeltaSentUpTo, peer.DeltaSentPartial, peer.EntryBase, peer.HeldAllAt));
        Assert.Equal(11, peer.MetAtVersion);
        Assert.Equal((heard, heard, 42UL), (peer.LastHeard, peer.LastExchange!.Value, peer.MembersHash));
    }

    [Fact]
    public void HasOwedWork_IsTrue_ForEachKindOfOwedWorkAlone()
    {
        Assert.False(NewPeer().HasOwedWork);
        var repair = NewPeer();
        repair.OwedRepair = ([0], 1, 1);
        var want = NewPeer();
        want.OwedWant = ([0], 1, 1);
        var digest = NewPeer();
        digest.OwedDigest = true;
        Assert.True(repair.HasOwedWork && want.HasOwedWork && digest.HasOwedWork, "each owed repair, want or digest is owed work");
    }
}
