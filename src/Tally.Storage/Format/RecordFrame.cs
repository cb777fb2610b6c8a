using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tally.Crdt;
using Tally.Crdt.Serialization;
using Tally.Replication;

namespace Tally.Storage.Format;

/// <summary>One record of a log segment or snapshot: <c>length u32 | crc u32 | payload</c>, little-endian, where the
/// payload is the <see cref="CrdtBinary"/> encoding of a map and crc is CRC-32C over the length bytes and the payload
/// (so a damaged length is caught too). A payload that also carries request keys starts with <c>'T' 'K'</c>
/// instead (<see cref="KeyedPayload"/>).</summary>
static class RecordFrame
{
    public const int HeaderSize = 8;

    /// <summary>Largest payload the format accepts. A length above it can only be damage.</summary>
    public const int PayloadBytesMax = 1 << 30;

    /// <summary>Encodes <paramref name="map"/> as a complete record.</summary>
    /// <exception cref="ArgumentException">The encoding is larger than <see cref="PayloadBytesMax"/>.</exception>
    public static ReadOnlyMemory<byte> Encode(CounterMap map) => Encode(map, []);

    /// <summary>Encodes <paramref name="map"/> and <paramref name="keys"/> as one complete record: a plain map
    /// payload when there are no keys, a keyed payload otherwise.</summary>
    /// <exception cref="ArgumentException">The encoding is larger than <see cref="PayloadBytesMax"/>, or a key is
    /// not storable.</exception>
    public static ReadOnlyMemory<byte> Encode(CounterMap map, IReadOnlyList<IdempotencyRecord> keys)
    {
        var writer = new ArrayBufferWriter<byte>(HeaderSize + 16 + map.Count * 24 + keys.Count * 64);
        writer.GetSpan(HeaderSize);
        writer.Advance(HeaderSize);
        if (keys.Count > 0)
        {
            KeyedPayload.WriteKeys(keys, writer);
        }
        CrdtBinary.Encode(map, writer);
        var frame = MemoryMarshal.AsMemory(writer.WrittenMemory);
        var length = frame.Length - HeaderSize;
        if (length > PayloadBytesMax)
        {
            throw new ArgumentException($"The map encodes to {length} bytes; one record holds at most {PayloadBytesMax}.", nameof(map));
        }
        var span = frame.Span;
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32C.Compute(span[..4], span[HeaderSize..]));
        return frame;
    }

    /// <summary>True when <paramref name="header"/> (the first <see cref="HeaderSize"/> bytes of a record) and
    /// <paramref name="payload"/> agree with the checksum.</summary>
    public static bool Verify(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) == Crc32C.Compute(header[..4], payload);

    public static uint LengthOf(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header);
}
