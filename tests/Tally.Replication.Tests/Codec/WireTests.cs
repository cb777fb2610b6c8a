using Tally.Crdt;
using Tally.Crdt.Serialization;

namespace Tally.Replication.Tests;

/// <summary>The test's hand-written wire format (<see cref="Wire"/>) is the codec's: a decode test that builds a bad
/// field with it changes that field and nothing else.</summary>
public class WireTests
{
    [Fact]
    public void Bytes_EqualTheCodecsEncoding_ForAMessageWithEveryPart()
    {
        var map = CrdtBinary.DecodeMap(Wire.SmallMap());
        var message = new GossipMessage
        {
            Kind = GossipKind.Reply,
            Sender = new MemberRecord(ReplicaId.Parse("n1"), "http://n1", 3, 4, false),
            ClusterId = ClusterId.Parse("prod"),
            ClusterProvisional = true,
            AckIncarnation = 5,
            AckVersion = 6,
            HasDelta = true,
            DeltaBase = 7,
            DeltaUpTo = 8,
            Delta = map,
            DeltaMore = true,
            DigestRoot = 9,
            DigestBuckets = [10, 11],
            DigestVersion = 12,
            Repair = map,
            RepairBuckets = [1, 3],
            RepairBucketCount = 4,
            RepairVersion = 13,
            RepairComplete = true,
            WantBuckets = [2],
            WantBucketCount = 8,
            WantVersion = 14,
            MembersHash = 15,
            Members = [new MemberRecord(ReplicaId.Parse("n2~0123456789"), "http://n2", 16, 17, true)],
            MembersComplete = true,
        };
        var wire = new Wire
        {
            Kind = (byte)GossipKind.Reply,
            Cluster = "prod",
            Provisional = true,
            Sender = new("n1", "http://n1", 3, 4, false),
            AckIncarnation = 5,
            AckVersion = 6,
            Parts = Wire.DeltaPart | Wire.RootPart | Wire.BucketsPart | Wire.RepairPart | Wire.RepairCompletePart |
                    Wire.WantPart | Wire.MembersCompletePart | Wire.DeltaMorePart,
            DeltaBase = 7,
            DeltaUpTo = 8,
            DeltaMap = Wire.SmallMap(),
            Root = 9,
            DigestBucketCount = 2,
            DigestBuckets = [10, 11],
            DigestVersion = 12,
            RepairMap = Wire.SmallMap(),
            Repair = new(4, [1, 3]),
            RepairVersion = 13,
            Want = new(8, [2]),
            WantVersion = 14,
            MembersHash = 15,
            Members = [new("n2~0123456789", "http://n2", 16, 17, true)],
        };

        Assert.Equal(GossipCodec.Encode(message), wire.Bytes());
    }
}
