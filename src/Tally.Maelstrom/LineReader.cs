namespace Tally.Maelstrom;

/// <summary>Reads newline-separated lines from a stream, each at most <paramref name="lineBytesMax"/> bytes. A longer
/// line is skipped whole and counted in <see cref="TooLong"/>, so no input makes the node hold more than that.</summary>
sealed class LineReader(Stream input, int lineBytesMax) : IDisposable
{
    readonly byte[] _buffer = new byte[64 * 1024];
    readonly MemoryStream _partial = new();
    int _start;
    int _end;
    bool _skipping;

    public void Dispose() => _partial.Dispose();

    /// <summary>Lines skipped because they were longer than the limit.</summary>
    public long TooLong { get; private set; }

    /// <summary>The next non-empty line without its newline, or null at the end of the input.</summary>
    public async ValueTask<byte[]?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var chunkEnd = newline >= 0 ? newline : _end;
            Append(_start, chunkEnd - _start);
            if (newline >= 0)
            {
                _start = newline + 1;
                if (EndLine() is { Length: > 0 } line)
                {
                    return line;
                }
                continue;
            }
            _start = _end = 0;
            var read = await input.ReadAsync(_buffer, ct).ConfigureAwait(false);
            if (read == 0)
            {
                return EndLine() is { Length: > 0 } last ? last : null;
            }
            _end = read;
        }
    }

    void Append(int offset, int count)
    {
        if (_skipping || count == 0)
        {
            return;
        }
        if (_partial.Length + count > lineBytesMax)
        {
            _skipping = true;
            _partial.SetLength(0);
            return;
        }
        _partial.Write(_buffer, offset, count);
    }

    byte[]? EndLine()
    {
        if (_skipping)
        {
            _skipping = false;
            TooLong++;
            return null;
        }
        var line = _partial.ToArray();
        _partial.SetLength(0);
        return line;
    }
}
