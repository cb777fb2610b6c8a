using System.Buffers;
using System.Buffers.Binary;
using Tally.Crdt;
using Tally.Crdt.Serialization;
using Tally.Replication;

namespace Tally.Storage.Format;

/// <summary>The payload of a record that carries request keys with its map (format extension, docs/storage.md):
/// <c>'T' 'K' version(=1) | keys varint | keys x key | map</c>, where the map is the rest of the payload in
/// <see cref="CrdtBinary"/> encoding and a key is <c>length varint | ASCII | fingerprint 16 bytes LE |
/// acceptedUnixMs varint | totals varint | totals x varint</c>. A record without keys stays a plain map payload
/// (<c>'T' 'L' ...</c>), so files written without keys are byte-for-byte the first format.</summary>
static class KeyedPayload
{
    public const byte Version = 1;
    static ReadOnlySpan<byte> Magic => "TK"u8;

    public static bool IsKeyed(ReadOnlySpan<byte> payload) => payload.Length >= 3 && payload[..2].SequenceEqual(Magic);

    /// <summary>Writes the header and keys; the caller appends the map's <see cref="CrdtBinary"/> encoding after them.</summary>
    public static void WriteKeys(IReadOnlyList<IdempotencyRecord> keys, IBufferWriter<byte> output)
    {
        var size = 3 + 10;
        foreach (var key in keys)
        {
            size += 10 + key.Key.Length + 16 + 10 + 10 + key.Totals.Count * 10;
        }
        var span = output.GetSpan(size);
        var at = 0;
        Magic.CopyTo(span);
        span[2] = Version;
        at = 3;
        at += WriteVarint(span[at..], (ulong)keys.Count);
        foreach (var key in keys)
        {
            if (!IdempotencyRecord.IsValidKey(key.Key) || key.AcceptedUnixMs < 0)
            {
                throw new ArgumentException($"Request key '{key.Key}' (accepted {key.AcceptedUnixMs}) cannot be stored: keys are 1-{IdempotencyRecord.KeyLengthMax} visible ASCII characters and times are not negative.", nameof(keys));
            }
            at += WriteVarint(span[at..], (ulong)key.Key.Length);
            foreach (var c in key.Key)
            {
                span[at++] = (byte)c;
            }
            BinaryPrimitives.WriteUInt128LittleEndian(span[at..], key.Fingerprint);
            at += 16;
            at += WriteVarint(span[at..], (ulong)key.AcceptedUnixMs);
            at += WriteVarint(span[at..], (ulong)key.Totals.Count);
            foreach (var total in key.Totals)
            {
                at += WriteVarint(span[at..], total);
            }
        }
        output.Advance(at);
    }

    /// <summary>Splits a keyed payload into its keys and the map bytes after them.</summary>
    /// <exception cref="CrdtFormatException">The payload breaks the format.</exception>
    public static (List<IdempotencyRecord> Keys, ReadOnlyMemory<byte> Map) Read(ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        if (!IsKeyed(span))
        {
            throw new CrdtFormatException("Invalid keyed record: missing the 'TK' header.");
        }
        if (span[2] != Version)
        {
            throw new CrdtFormatException($"Invalid keyed record: unknown version {span[2]} (this build reads version {Version}).");
        }
        var at = 3;
        var count = ReadVarint(span, ref at);
        // Every key takes at least 19 bytes: no count can ask for more than the payload holds.
        if (count > (ulong)(span.Length - at) / 19)
        {
            throw new CrdtFormatException($"Invalid keyed record: {count} keys cannot fit in {span.Length - at} bytes.");
        }
        var keys = new List<IdempotencyRecord>((int)count);
        for (var i = 0UL; i < count; i++)
        {
            var length = ReadVarint(span, ref at);
            if (length is 0 or > IdempotencyRecord.KeyLengthMax || (ulong)(span.Length - at) < length + 16)
            {
                throw new CrdtFormatException($"Invalid keyed record: key {i} has length {length}.");
            }
            var key = string.Create((int)length, payload[at..(at + (int)length)], static (chars, bytes) =>
            {
                for (var c = 0; c < chars.Length; c++)
                {
                    chars[c] = (char)bytes.Span[c];
                }
            });
            if (!IdempotencyRecord.IsValidKey(key))
            {
                throw new CrdtFormatException($"Invalid keyed record: key {i} holds characters outside visible ASCII.");
            }
            at += (int)length;
            var fingerprint = BinaryPrimitives.ReadUInt128LittleEndian(span[at..]);
            at += 16;
            var accepted = ReadVarint(span, ref at);
            if (accepted > long.MaxValue)
            {
                throw new CrdtFormatException($"Invalid keyed record: key {i} has time {accepted}.");
            }
            var totalsCount = ReadVarint(span, ref at);
            if (totalsCount > (ulong)(span.Length - at))
            {
                throw new CrdtFormatException($"Invalid keyed record: key {i} has {totalsCount} totals in {span.Length - at} bytes.");
            }
            var totals = new ulong[totalsCount];
            for (var t = 0; t < totals.Length; t++)
            {
                totals[t] = ReadVarint(span, ref at);
            }
            keys.Add(new IdempotencyRecord(key, fingerprint, (long)accepted, totals));
        }
        return (keys, payload[at..]);
    }

    static int WriteVarint(Span<byte> span, ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        return n;
    }

    static ulong ReadVarint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= span.Length)
            {
                throw new CrdtFormatException("Invalid keyed record: truncated varint.");
            }
            var b = span[at++];
            if (shift == 63 && b > 1)
            {
                throw new CrdtFormatException("Invalid keyed record: varint overflows 64 bits.");
            }
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new CrdtFormatException("Invalid keyed record: varint longer than 10 bytes.");
    }
}
