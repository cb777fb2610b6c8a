using System.Text;

namespace Tally.Maelstrom.Tests;

public sealed class LineReaderTests
{
    /// <summary>Hands out at most a few bytes per read, as a pipe may.</summary>
    sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }

    static async Task<(List<string> Lines, long TooLong)> ReadAllAsync(string text, int chunk, int max)
    {
        using var reader = new LineReader(new TrickleStream(Encoding.UTF8.GetBytes(text), chunk), max);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            lines.Add(Encoding.UTF8.GetString(line));
        }
        return (lines, reader.TooLong);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100_000)]
    public async Task ReadLineAsync_AssemblesLinesAcrossReads_AndSkipsBlankOnes(int chunk)
    {
        var (lines, tooLong) = await ReadAllAsync("first\n\nsecond line\nlast without newline", chunk, 1024);
        Assert.Equal(["first", "second line", "last without newline"], lines);
        Assert.Equal(0, tooLong);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(100_000)]
    public async Task ReadLineAsync_SkipsOnlyTheLinesOverTheLimit(int chunk)
    {
        var (lines, tooLong) = await ReadAllAsync($"ok\n{new string('x', 2000)}\nalso ok\n{new string('y', 1025)}", chunk, 1024);
        Assert.Equal(["ok", "also ok"], lines);
        Assert.Equal(2, tooLong);
    }
}
