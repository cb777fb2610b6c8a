using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Tally.Storage.Format;

/// <summary>Reads records from <paramref name="file"/> between <paramref name="start"/> and <paramref name="end"/>,
/// stopping at the first one that is incomplete, too long or fails its checksum (<see cref="Stop"/> says why).</summary>
sealed class RecordReader(SafeFileHandle file, long start, long end) : IDisposable
{
    byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);

    /// <summary>The end of the last good record: where a torn tail is cut.</summary>
    public long Position { get; private set; } = start;

    /// <summary>Why reading stopped before <c>end</c>; null when every byte up to it was a good record.</summary>
    public string? Stop { get; private set; }

    /// <summary>The next record's payload, valid until the next call; false at the end or at a bad record.</summary>
    public bool TryRead(out ReadOnlyMemory<byte> payload)
    {
        payload = default;
        var left = end - Position;
        if (left == 0 || Stop is not null)
        {
            return false;
        }
        Span<byte> header = stackalloc byte[RecordFrame.HeaderSize];
        if (left < RecordFrame.HeaderSize)
        {
            Stop = $"{left} trailing bytes, fewer than a record header";
            return false;
        }
        ReadExactly(header, Position);
        var length = RecordFrame.LengthOf(header);
        if (length > RecordFrame.PayloadBytesMax)
        {
            Stop = $"a record length of {length} bytes, over the limit of {RecordFrame.PayloadBytesMax}";
            return false;
        }
        if (length > left - RecordFrame.HeaderSize)
        {
            Stop = $"a record of {length} bytes that runs past the end of the file";
            return false;
        }
        if (_buffer.Length < length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent((int)length);
        }
        var body = _buffer.AsSpan(0, (int)length);
        ReadExactly(body, Position + RecordFrame.HeaderSize);
        if (!RecordFrame.Verify(header, body))
        {
            Stop = "a record whose checksum does not match";
            return false;
        }
        payload = _buffer.AsMemory(0, (int)length);
        Position += RecordFrame.HeaderSize + length;
        return true;
    }

    void ReadExactly(Span<byte> destination, long offset)
    {
        while (!destination.IsEmpty)
        {
            var n = RandomAccess.Read(file, destination, offset);
            if (n == 0)
            {
                throw new EndOfStreamException($"The file ended at byte {offset} while reading a record.");
            }
            destination = destination[n..];
            offset += n;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
