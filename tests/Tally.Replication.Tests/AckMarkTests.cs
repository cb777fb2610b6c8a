using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Every rule that moves the receiver's mark of a peer (<c>RecvMark</c>, shown as
/// <see cref="MemberView.HeldVersion"/> and sent back as the ack): the mark says "I hold all your changes up to here",
/// so a rule that moves it too far makes the peer stop sending changes the receiver never got. Anti-entropy repairs
/// such a gap later, which is why end-to-end convergence tests cannot see these bugs; these tests check each rule
/// with hand-made messages.</summary>
public class AckMarkTests
{
    const long Incarnation = 100;
    static readonly MemberRecord Sender = new(ReplicaId.Parse("s1"), "s1", Incarnation, 1, Left: false);
    static readonly VideoId V = VideoId.Parse("v1");

    static ReplicaNode Receiver(CounterMap? state = null) => new(ReplicaId.Parse("r1"), "r1", 1, new ReplicationOptions(),
        new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), new Random(1), state ?? new CounterMap(), []);

    static long Held(ReplicaNode node) => node.Members().Single(m => m.Id == Sender.Id).HeldVersion;

    static GossipMessage Message(MemberRecord? sender = null) => new() { Kind = GossipKind.Reply, Sender = sender ?? Sender };

    static GossipMessage Delta(long from, long upTo, MemberRecord? sender = null) => Message(sender) with
    {
        HasDelta = true,
        DeltaBase = from,
        DeltaUpTo = upTo,
        Delta = CounterMap.Single(V, Sender.Id, (ulong)upTo),
    };

    static ReplicaNode ReceiverHolding(long mark)
    {
        var node = Receiver();
        node.Receive(Delta(0, mark));
        Assert.Equal(mark, Held(node));
        return node;
    }

    [Fact]
    public void ReceiveDelta_MovesMarkToItsEnd_WhenItStartsAtTheMark()
    {
        var node = ReceiverHolding(5);
        node.Receive(Delta(5, 9));
        Assert.True(Held(node) == 9, $"a delta (5, 9] on a mark of 5 leaves nothing missing: the mark must be 9, is {Held(node)}");
    }

    [Fact]
    public void ReceiveDelta_MovesMarkToItsEnd_WhenItStartsBelowTheMark()
    {
        var node = ReceiverHolding(5);
        node.Receive(Delta(3, 7));
        Assert.True(Held(node) == 7, $"a delta (3, 7] overlaps a mark of 5: the mark must be 7, is {Held(node)}");
    }

    [Theory]
    [InlineData(0, 2, 4)]
    [InlineData(5, 6, 9)]
    [InlineData(5, 8, 20)]
    public void ReceiveDelta_KeepsMark_WhenItStartsAboveTheMark(long mark, long from, long upTo)
    {
        var node = mark == 0 ? Receiver() : ReceiverHolding(mark);
        node.Receive(Delta(from, upTo));
        Assert.True(Held(node) == mark,
            $"a delta ({from}, {upTo}] on a mark of {mark} leaves ({mark}, {from}] missing: the mark must stay {mark}, is {Held(node)}");
        Assert.True(node.State.EntryOf(V, Sender.Id) == (ulong)upTo, "the delta itself still merges: merging is always safe");
    }

    [Fact]
    public void ReceiveDelta_NeverLowersMark_WhenAnOlderDeltaArrivesLate()
    {
        var node = ReceiverHolding(9);
        node.Receive(Delta(0, 5));
        Assert.True(Held(node) == 9, $"a late delta (0, 5] must not lower a mark of 9, is {Held(node)}");
    }

    [Fact]
    public void Receive_KeepsMark_WhenTheMessageCarriesNoDelta()
    {
        var node = ReceiverHolding(5);
        node.Receive(Message() with { DeltaBase = 5, DeltaUpTo = 9 });
        Assert.True(Held(node) == 5, $"versions without HasDelta promise nothing: the mark must stay 5, is {Held(node)}");
    }

    [Fact]
    public void ReceiveDelta_KeepsMark_WhenItComesFromAnEarlierIncarnation()
    {
        var node = ReceiverHolding(5);
        node.Receive(Delta(0, 9, Sender with { Incarnation = Incarnation - 1 }));
        Assert.True(Held(node) == 5, $"versions of an earlier incarnation are another numbering: the mark must stay 5, is {Held(node)}");
    }

    [Fact]
    public void Receive_ResetsMark_WhenTheSenderRestarted()
    {
        var node = ReceiverHolding(5);
        node.Receive(Message(Sender with { Incarnation = Incarnation + 1 }));
        Assert.True(Held(node) == 0, $"a restarted sender numbers its versions anew: the mark must start at 0, is {Held(node)}");
    }

    [Fact]
    public void ReceiveRepair_MovesMarkToItsVersion_OnlyWhenComplete()
    {
        var node = ReceiverHolding(5);
        var repair = Message() with { Repair = CounterMap.Single(V, Sender.Id, 12), RepairBuckets = [0], RepairBucketCount = 1, RepairVersion = 12 };

        node.Receive(repair);
        Assert.True(Held(node) == 5, $"an incomplete repair leaves buckets unsent: the mark must stay 5, is {Held(node)}");
        node.Receive(repair with { RepairComplete = true, Sender = Sender with { Incarnation = Incarnation - 1 } });
        Assert.True(Held(node) == 5, $"a repair of an earlier incarnation must not move the mark, is {Held(node)}");
        node.Receive(repair with { RepairComplete = true });
        Assert.True(Held(node) == 12, $"a complete repair of version 12 means all of it is held: the mark must be 12, is {Held(node)}");
        node.Receive(repair with { RepairComplete = true, RepairVersion = 8 });
        Assert.True(Held(node) == 12, $"an older complete repair must not lower the mark, is {Held(node)}");
    }

    [Fact]
    public void ReceiveDigest_MovesMarkToItsVersion_OnlyWhenEveryBucketIsEqual()
    {
        var node = ReceiverHolding(5);
        var theirs = node.State.Clone();
        theirs.RaiseTo(VideoId.Parse("other"), Sender.Id, 3);

        node.Receive(Message() with { DigestBuckets = theirs.Digest(16).Buckets.ToArray(), DigestVersion = 20 });
        Assert.True(Held(node) == 5, $"a digest that differs shows changes not held: the mark must stay 5, is {Held(node)}");
        var equal = Message() with { DigestBuckets = node.State.Digest(16).Buckets.ToArray(), DigestVersion = 20 };
        node.Receive(equal with { Sender = Sender with { Incarnation = Incarnation - 1 } });
        Assert.True(Held(node) == 5, $"a digest of an earlier incarnation must not move the mark, is {Held(node)}");
        node.Receive(equal);
        Assert.True(Held(node) == 20, $"equal digests of version 20: the mark must be 20, is {Held(node)}");
    }

    [Fact]
    public void ReceiveDigestRoot_MovesMarkToItsVersion_OnlyWhenTheRootsAreEqual()
    {
        var node = ReceiverHolding(5);
        var buckets = new ReplicationOptions().DigestBuckets;
        var theirs = node.State.Clone();
        theirs.RaiseTo(VideoId.Parse("other"), Sender.Id, 3);

        node.Receive(Message() with { DigestRoot = theirs.Digest(buckets).Root, DigestVersion = 20 });
        Assert.True(Held(node) == 5, $"a different root shows changes not held: the mark must stay 5, is {Held(node)}");
        var equal = Message() with { DigestRoot = node.State.Digest(buckets).Root, DigestVersion = 20 };
        node.Receive(equal with { Sender = Sender with { Incarnation = Incarnation - 1 } });
        Assert.True(Held(node) == 5, $"a root of an earlier incarnation must not move the mark, is {Held(node)}");
        node.Receive(equal);
        Assert.True(Held(node) == 20, $"equal roots of version 20: the mark must be 20, is {Held(node)}");
        node.Receive(equal with { DigestVersion = 10 });
        Assert.True(Held(node) == 20, $"an older equal root must not lower the mark, is {Held(node)}");
    }
}
