using System.Buffers.Binary;
using System.Numerics;

namespace Tally.Crdt.Serialization;

/// <summary>CRC-32C (Castagnoli): the checksum of every storage record and file header and of every gossip message.
/// It runs on the CPU's CRC instruction through <see cref="BitOperations.Crc32C(uint, ulong)"/>, so it needs no
/// package.</summary>
public static class Crc32C
{
    const uint Start = uint.MaxValue;

    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(Start, data);

    /// <summary>The checksum of <paramref name="first"/> followed by <paramref name="second"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) => ~Append(Append(Start, first), second);

    static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return crc;
    }
}
