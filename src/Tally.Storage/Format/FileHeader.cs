using System.Buffers.Binary;
using Tally.Crdt.Serialization;

namespace Tally.Storage.Format;

/// <summary>The first bytes of a log segment or snapshot file:
/// <c>magic[4] | version u32 | sequence u64 | records u32 | crc u32</c>, little-endian, crc = CRC-32C of the 20 bytes
/// before it. <paramref name="Sequence"/> is the segment's number, or for a snapshot the first segment it does not
/// cover. <paramref name="Records"/> is the number of records in a snapshot (0 for a segment, whose end is its
/// file's end).</summary>
readonly record struct FileHeader(FileKind Kind, long Sequence, uint Records)
{
    public const int Size = 24;
    public const uint FormatVersion = 1;

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        MagicOf(Kind).CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), Sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), Records);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), Crc32C.Compute(bytes.AsSpan(0, 20)));
        return bytes;
    }

    /// <summary>Parses a header of <paramref name="kind"/>; null with a reason when the bytes are not one.</summary>
    public static FileHeader? Parse(ReadOnlySpan<byte> bytes, FileKind kind, out string reason)
    {
        if (bytes.Length < Size)
        {
            reason = $"the file has {bytes.Length} bytes, fewer than a {Size}-byte header";
            return null;
        }
        if (!bytes[..4].SequenceEqual(MagicOf(kind)) ||
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[20..]) != Crc32C.Compute(bytes[..20]))
        {
            reason = "the header is damaged";
            return null;
        }
        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        if (version != FormatVersion)
        {
            reason = $"format version {version} is not supported (this build reads version {FormatVersion})";
            return null;
        }
        reason = "";
        return new FileHeader(kind, BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]), BinaryPrimitives.ReadUInt32LittleEndian(bytes[16..]));
    }

    static ReadOnlySpan<byte> MagicOf(FileKind kind) => kind == FileKind.Segment ? "TLOG"u8 : "TSNP"u8;
}

enum FileKind
{
    Segment,
    Snapshot,
}
