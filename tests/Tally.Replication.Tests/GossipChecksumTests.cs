using System.Buffers.Binary;
using Tally.Crdt;
using Tally.Crdt.Serialization;

namespace Tally.Replication.Tests;

/// <summary>Every gossip message ends with a CRC-32C of its bytes, and a message whose checksum does not match is
/// never decoded, let alone merged: in a G-Counter a wrong high entry can never be taken back (issue 8, scenario 6).</summary>
public class GossipChecksumTests
{
    /// <summary>Real messages of a small cluster at work: deltas, digests, repairs and membership, as encoded on the
    /// wire.</summary>
    static List<byte[]> RealMessages()
    {
        var cluster = Mesh.Of("n1", "n2", "n3");
        var random = new Random(3);
        for (var r = 0; r < 12; r++)
        {
            for (var i = 0; i < 5; i++)
            {
                cluster.View($"n{random.Next(1, 4)}", $"video-{random.Next(1, 20)}", (ulong)random.Next(1, 1000));
            }
            cluster.Round();
        }
        Assert.True(cluster.Wire.Count > 20, $"the cluster must have exchanged messages, sent {cluster.Wire.Count}");
        return cluster.Wire;
    }

    static byte[] Reframed(byte[] corrupted)
    {
        if (corrupted.Length < GossipCodec.ChecksumBytes)
        {
            return corrupted;
        }
        var body = corrupted.AsSpan(0, corrupted.Length - GossipCodec.ChecksumBytes);
        var crc = new byte[GossipCodec.ChecksumBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32C.Compute(body));
        return [.. body, .. crc];
    }

    [Fact]
    public void Encode_EndsWithTheCrc32COfEveryByteBeforeIt()
    {
        foreach (var bytes in RealMessages())
        {
            var body = bytes.AsSpan(0, bytes.Length - GossipCodec.ChecksumBytes);
            Assert.Equal(Crc32C.Compute(body), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(body.Length)));
            Assert.True(body.StartsWith("TG"u8), "the body starts with the TG magic");
        }
    }

    [Fact]
    public void Decode_ThrowsChecksumException_ForEverySingleBitFlip()
    {
        var message = RealMessages().First(b => GossipCodec.Decode(b).HasDelta);
        for (var bit = 0; bit < message.Length * 8; bit++)
        {
            var copy = (byte[])message.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<GossipChecksumException>(() => GossipCodec.Decode(copy));
        }
    }

    [Fact]
    public void Decode_ThrowsChecksumException_ForMessagesTooShortForAChecksum()
    {
        Assert.Throws<GossipChecksumException>(() => GossipCodec.Decode([]));
        Assert.Throws<GossipChecksumException>(() => GossipCodec.Decode([(byte)'T', (byte)'G', 1]));
    }

    [Fact]
    public void Receive_MergesNothing_ForAnyOfTwoThousandCorruptedCopiesOfRealMessages()
    {
        var messages = RealMessages();
        var node = new Mesh().Add("n9", withDisk: true);
        var random = new Random(8);
        var kinds = Corruption.Kinds.ToDictionary(k => k, _ => 0);
        var wellFormedWithoutChecksum = 0;
        const int copies = 2000;

        int accepted = 0, checksumFailures = 0;
        for (var i = 0; i < copies; i++)
        {
            var (kind, corrupted) = Corruption.Apply(messages[random.Next(messages.Count)], random);
            kinds[kind]++;
            try
            {
                node.Receive(GossipCodec.Decode(corrupted)); // what a node does with a message that decodes
                accepted++;
            }
            catch (GossipChecksumException)
            {
                checksumFailures++;
            }
            catch (CrdtFormatException)
            {
                // Refused by the structure checks; the checksum should have caught it first (asserted below).
            }
            try
            {
                GossipCodec.Decode(Reframed(corrupted));
                wellFormedWithoutChecksum++;
            }
            catch (CrdtFormatException)
            {
                // The structure checks alone caught this one.
            }
        }

        Assert.True(accepted == 0, $"{accepted} of {copies} corrupted copies were accepted");
        Assert.True(node.Replica.VideoCount == 0 && node.Replica.Version == 0 && node.Appends.Count == 0,
            $"no corrupted copy may change the state; it holds {node.Replica.VideoCount} videos");
        Assert.True(checksumFailures == copies, $"every corrupted copy must fail its checksum before any field is read; {checksumFailures} of {copies} did");
        Assert.All(kinds, k => Assert.True(k.Value > copies / 10, $"every kind of damage must be tried often; {k.Key} was tried {k.Value} times"));
        // Without the checksum a good part of these copies decode as valid messages, and a node would merge them.
        Assert.True(wellFormedWithoutChecksum > copies / 10, $"the corruptions must include damage only the checksum catches; {wellFormedWithoutChecksum} of {copies} were well formed");
        var original = messages.First(b => GossipCodec.Decode(b).HasDelta);
        node.Receive(GossipCodec.Decode(original));
        Assert.True(node.Replica.VideoCount > 0, "the undamaged message must still be merged");
    }
}
