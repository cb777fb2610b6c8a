using Tally.Crdt;
using Tally.Crdt.Serialization;

namespace Tally.Replication.Tests;

/// <summary>Every field of a gossip message survives the wire unchanged, and each optional part is absent after
/// decoding exactly when it was absent before encoding.</summary>
public class GossipRoundTripTests
{
    static CounterMap Map(params (string Video, string Replica, ulong Count)[] entries)
    {
        var map = new CounterMap();
        foreach (var (video, replica, count) in entries)
        {
            map.Increment(VideoId.Parse(video), ReplicaId.Parse(replica), count);
        }
        return map;
    }

    static GossipMessage Everything() => new()
    {
        Kind = GossipKind.Reply,
        Sender = new MemberRecord(ReplicaId.Parse("n1~abcdefghij"), "http://n1:8001", 3, 4, true),
        ClusterId = ClusterId.Parse("prod"),
        ClusterProvisional = true,
        AckIncarnation = 5,
        AckVersion = 6,
        HasDelta = true,
        DeltaBase = 7,
        DeltaUpTo = 8,
        Delta = Map(("v1", "n1", 5), ("v2", "n2", 7)),
        DeltaMore = true,
        DigestRoot = ulong.MaxValue,
        DigestBuckets = [10, 11, 12, 13],
        DigestVersion = 12,
        Repair = Map(("v3", "n3", 9)),
        RepairBuckets = [1, 3],
        RepairBucketCount = 4,
        RepairVersion = 13,
        RepairComplete = true,
        WantBuckets = [0, 7],
        WantBucketCount = 8,
        WantVersion = 14,
        MembersHash = 15,
        Members = [new MemberRecord(ReplicaId.Parse("n2"), "http://n2", 16, 17, false), new MemberRecord(ReplicaId.Parse("n3"), "sim:n3", 0, 0, true)],
        MembersComplete = true,
    };

    static void AssertSame(GossipMessage expected, GossipMessage actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Sender, actual.Sender);
        Assert.Equal(expected.ClusterId, actual.ClusterId);
        Assert.Equal(expected.ClusterProvisional, actual.ClusterProvisional);
        Assert.Equal((expected.AckIncarnation, expected.AckVersion), (actual.AckIncarnation, actual.AckVersion));
        Assert.Equal((expected.HasDelta, expected.DeltaBase, expected.DeltaUpTo, expected.DeltaMore), (actual.HasDelta, actual.DeltaBase, actual.DeltaUpTo, actual.DeltaMore));
        Assert.True(expected.Delta is null ? actual.Delta is null : actual.Delta is { } d && d.SameStateAs(expected.Delta), "the delta must come back as sent");
        Assert.Equal(expected.DigestRoot, actual.DigestRoot);
        Assert.Equal(expected.DigestBuckets, actual.DigestBuckets);
        Assert.Equal(expected.DigestVersion, actual.DigestVersion);
        Assert.True(expected.Repair is null ? actual.Repair is null : actual.Repair is { } r && r.SameStateAs(expected.Repair), "the repair must come back as sent");
        Assert.Equal(expected.RepairBuckets, actual.RepairBuckets);
        Assert.Equal((expected.RepairBucketCount, expected.RepairVersion, expected.RepairComplete), (actual.RepairBucketCount, actual.RepairVersion, actual.RepairComplete));
        Assert.Equal(expected.WantBuckets, actual.WantBuckets);
        Assert.Equal((expected.WantBucketCount, expected.WantVersion), (actual.WantBucketCount, actual.WantVersion));
        Assert.Equal(expected.MembersHash, actual.MembersHash);
        Assert.Equal(expected.Members, actual.Members);
        Assert.Equal(expected.MembersComplete, actual.MembersComplete);
    }

    [Fact]
    public void Decode_GivesBackEveryField_OfAMessageWithEveryPart()
    {
        var message = Everything();
        AssertSame(message, GossipCodec.Decode(GossipCodec.Encode(message)));
        AssertSame(message, GossipCodec.Decode((ReadOnlySpan<byte>)GossipCodec.Encode(message)));
    }

    [Fact]
    public void Decode_GivesBackOnlyTheSender_OfAMessageWithNoParts()
    {
        var message = new GossipMessage { Kind = GossipKind.Push, Sender = new MemberRecord(ReplicaId.Parse("n1"), "a", 0, 0, false) };
        var decoded = GossipCodec.Decode(GossipCodec.Encode(message));
        AssertSame(message, decoded);
        Assert.False(decoded.HasDelta || decoded.DeltaMore || decoded.RepairComplete || decoded.MembersComplete || decoded.ClusterProvisional, "no flag may be set");
        Assert.True(decoded.DigestRoot is null && decoded.DigestBuckets is null && decoded.RepairBuckets is null && decoded.WantBuckets is null,
            "no optional part may appear");
    }

    [Fact]
    public void Decode_KeepsEachPartAlone_WhenItIsTheOnlyOneSent()
    {
        var sender = new MemberRecord(ReplicaId.Parse("n1"), "a", 1, 1, false);
        GossipMessage[] singles =
        [
            new() { Kind = GossipKind.Push, Sender = sender, HasDelta = true, DeltaBase = 1, DeltaUpTo = 2 },
            new() { Kind = GossipKind.Push, Sender = sender, DigestRoot = 5, DigestVersion = 3 },
            new() { Kind = GossipKind.Push, Sender = sender, DigestBuckets = [1, 2], DigestVersion = 3 },
            new() { Kind = GossipKind.Push, Sender = sender, Repair = Map(("v", "n1", 1)), RepairBuckets = [0], RepairBucketCount = 1, RepairVersion = 4 },
            new() { Kind = GossipKind.Push, Sender = sender, RepairBuckets = [], RepairBucketCount = 2, RepairVersion = 4, RepairComplete = true },
            new() { Kind = GossipKind.Push, Sender = sender, WantBuckets = [1], WantBucketCount = 2, WantVersion = 6 },
            new() { Kind = GossipKind.Push, Sender = sender, MembersComplete = true, Members = [sender] },
        ];
        foreach (var message in singles)
        {
            AssertSame(message, GossipCodec.Decode(GossipCodec.Encode(message)));
        }
    }

    [Fact]
    public void Decode_DropsTheProvisionalFlag_OfAMessageWithoutACluster()
    {
        var bytes = new Wire { Cluster = "", Provisional = true }.Bytes();
        var decoded = GossipCodec.Decode(bytes);
        Assert.Null(decoded.ClusterId);
        Assert.False(decoded.ClusterProvisional, "only a cluster id can be provisional");
    }

    [Fact]
    public void Decode_ReadsAnEmptyMapAsNone_InADeltaThatCarriesNoChanges()
    {
        var decoded = GossipCodec.Decode(new Wire { Parts = Wire.DeltaPart, DeltaBase = 4, DeltaUpTo = 4, DeltaMap = null }.Bytes());
        Assert.True(decoded.HasDelta, "a delta with no changes is still a delta: it moves the receiver's mark");
        Assert.Null(decoded.Delta);
    }

    [Fact]
    public void Decode_AppliesTheGivenLimits_ToTheDeltaAndTheRepair()
    {
        var twoReplicas = Map(("v1", "n1", 1), ("v1", "n2", 1));
        var oneReplica = new DecodeLimits { MaxReplicas = 1 };
        var sender = new MemberRecord(ReplicaId.Parse("n1"), "a", 1, 1, false);
        var delta = GossipCodec.Encode(new GossipMessage { Kind = GossipKind.Push, Sender = sender, HasDelta = true, Delta = twoReplicas });
        var repair = GossipCodec.Encode(new GossipMessage { Kind = GossipKind.Push, Sender = sender, Repair = twoReplicas, RepairBuckets = [0], RepairBucketCount = 1 });

        Assert.NotNull(GossipCodec.Decode(delta).Delta);
        Assert.NotNull(GossipCodec.Decode(repair).Repair);
        Assert.Throws<CrdtFormatException>(() => GossipCodec.Decode(delta, oneReplica));
        Assert.Throws<CrdtFormatException>(() => GossipCodec.Decode(repair, oneReplica));
    }
}
