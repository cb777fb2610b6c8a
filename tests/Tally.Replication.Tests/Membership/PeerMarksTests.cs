using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>The marks of backlog deltas on one peer (issue 12): when an acknowledgement proves the peer holds every
/// change up to a version (<see cref="Peer.EntryBase"/>), and when the next part of a backlog is due.</summary>
public class PeerMarksTests
{
    static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    static Peer NewPeer() => new(new MemberRecord(ReplicaId.Parse("n2"), "http://n2", 1, 1, false), Start);

    [Fact]
    public void Acknowledged_MovesEntryBaseToTheVersion_WhenThePeerAcknowledgedAllOfIt()
    {
        var peer = NewPeer();
        peer.SentAck = 6;
        peer.EntryCandidate = 4;
        peer.Acknowledged(6);
        Assert.Equal(6, peer.EntryBase);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Acknowledged_MovesEntryBaseToTheLastCompleteDelta_WhenTheAcknowledgementReachesIt(long ack)
    {
        // An acknowledgement at or past the end of the last complete delta proves every change up to that end; not
        // up to the acknowledgement itself, which may be the end of an oldest-first part.
        var peer = NewPeer();
        peer.EntryCandidate = 4;
        peer.SentAck = ack;
        peer.Acknowledged(6);
        Assert.Equal(4, peer.EntryBase);
    }

    [Fact]
    public void Acknowledged_KeepsEntryBase_WhenTheAcknowledgementIsShortOfTheLastCompleteDelta()
    {
        var peer = NewPeer();
        peer.EntryCandidate = 4;
        peer.SentAck = 3;
        peer.Acknowledged(6);
        Assert.Equal(0, peer.EntryBase);
    }

    [Fact]
    public void Acknowledged_NeverLowersEntryBase()
    {
        var peer = NewPeer();
        peer.EntryBase = 5;
        peer.EntryCandidate = 4;
        peer.SentAck = 4;
        peer.Acknowledged(6);
        Assert.Equal(5, peer.EntryBase);
    }

    [Theory]
    [InlineData(true, 7, 7, true)]
    [InlineData(true, 8, 7, true)]
    [InlineData(true, 6, 7, false)]
    [InlineData(false, 7, 7, false)]
    public void DeltaContinues_OnlyOnceThePeerAcknowledgedAllOfAPartThatLeftMore(bool partial, long ack, long sentUpTo, bool continues)
    {
        var peer = NewPeer();
        peer.DeltaSentPartial = partial;
        peer.DeltaSentUpTo = sentUpTo;
        peer.SentAck = ack;
        Assert.Equal(continues, peer.DeltaContinues);
    }
}
