using System.Text;

namespace Tally.Crdt.Serialization;

/// <summary>Reads the primitives of <see cref="CrdtBinary"/> and turns every violation into a
/// <see cref="CrdtFormatException"/> that names the byte offset.</summary>
ref struct VarintReader(ReadOnlySpan<byte> input)
{
    readonly ReadOnlySpan<byte> _input = input;
    int _position;

    public readonly int Position => _position;

    readonly int Remaining => _input.Length - _position;

    public readonly CrdtFormatException Error(string what) => new($"Invalid Tally binary at byte {_position}: {what}.");

    public void Header(byte kind)
    {
        if (_input.Length < 4 || !_input[..2].SequenceEqual(CrdtBinary.Magic))
        {
            throw Error("missing the 'TL' header");
        }
        if (_input[2] != CrdtBinary.FormatVersion)
        {
            throw Error($"unknown format version {_input[2]} (this build reads version {CrdtBinary.FormatVersion})");
        }
        if (_input[3] != kind)
        {
            throw Error($"expected kind {kind}, found {_input[3]}");
        }
        _position = 4;
    }

    public ulong Varint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _input.Length)
            {
                throw Error("truncated varint");
            }
            var b = _input[_position++];
            if (shift == 63 && b > 1)
            {
                throw Error("varint overflows 64 bits");
            }
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                if (b == 0 && shift > 0)
                {
                    throw Error("overlong varint");
                }
                return value;
            }
        }
        throw Error("varint longer than 10 bytes");
    }

    /// <summary>A count or index up to <paramref name="max"/>, and one that the bytes left could actually hold at
    /// <paramref name="minBytesEach"/> bytes per item, so the caller may allocate for it.</summary>
    public int Count(int max, int minBytesEach, string what)
    {
        var value = Varint();
        if (value > (ulong)max)
        {
            throw Error($"{what} {value} exceeds the limit of {max}");
        }
        if (minBytesEach > 0 && value > (ulong)(Remaining / minBytesEach))
        {
            throw Error($"{what} {value} cannot fit in the {Remaining} bytes left (truncated?)");
        }
        return (int)value;
    }

    public ulong PositiveValue()
    {
        var value = Varint();
        return value != 0 ? value : throw Error("zero entries are never encoded");
    }

    public ReplicaId Replica()
    {
        var text = Ascii(ReplicaId.MaxLength, "replica id");
        return ReplicaId.TryParse(text, out var id) ? id : throw Error($"invalid replica id '{text}'");
    }

    public VideoId Video()
    {
        var text = Ascii(VideoId.MaxLength, "video id");
        return VideoId.TryParse(text, out var id) ? id : throw Error($"invalid video id '{text}'");
    }

    string Ascii(int maxLength, string what)
    {
        var length = Count(maxLength, minBytesEach: 1, $"{what} length");
        var bytes = _input.Slice(_position, length);
        if (bytes.ContainsAnyExceptInRange((byte)0x21, (byte)0x7e))
        {
            throw Error($"{what} is not printable ASCII");
        }
        _position += length;
        return Encoding.ASCII.GetString(bytes);
    }

    public readonly void End()
    {
        if (Remaining != 0)
        {
            throw Error($"{Remaining} trailing bytes");
        }
    }
}
