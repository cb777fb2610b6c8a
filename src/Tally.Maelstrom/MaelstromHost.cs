using Microsoft.Extensions.Logging;

namespace Tally.Maelstrom;

/// <summary>The IO of <c>tally maelstrom</c>: reads Maelstrom's messages from stdin, runs each through
/// <see cref="MaelstromNode"/>, ticks it from a <see cref="PeriodicTimer"/> on the <see cref="TimeProvider"/>, and
/// writes every resulting message as one JSON line to stdout, flushed at once. Logs go to the logger (stderr).</summary>
/// <remarks>One lock serializes the node and the writes, so a reply leaves only after its add is counted and lines
/// never interleave. Ends when stdin ends (Maelstrom closes it, or kills the process) or on cancellation.</remarks>
public sealed partial class MaelstromHost(MaelstromNode node, MaelstromOptions options, TimeProvider time, ILogger logger)
{
    readonly Lock _lock = new();

    /// <summary>Runs until <paramref name="input"/> ends. Returns the exit code (0).</summary>
    public async Task<int> RunAsync(Stream input, Stream output, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ticks = TickAsync(output, stop.Token);
        using var reader = new LineReader(input, options.LineBytesMax);
        var tooLong = 0L;
        try
        {
            while (await reader.ReadLineAsync(stop.Token).ConfigureAwait(false) is { } line)
            {
                Write(output, () => node.Handle(line));
                if (reader.TooLong > tooLong)
                {
                    tooLong = reader.TooLong;
                    Log.TooLong(logger, tooLong, options.LineBytesMax);
                }
            }
            Log.InputEnded(logger);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await ticks.ConfigureAwait(false);
        }
        return 0;
    }

    async Task TickAsync(Stream output, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Replication.GossipInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                Write(output, node.Tick);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    void Write(Stream output, Func<IReadOnlyList<byte[]>> step)
    {
        lock (_lock)
        {
            var lines = step();
            if (lines.Count == 0)
            {
                return;
            }
            foreach (var line in lines)
            {
                output.Write(line);
                output.WriteByte((byte)'\n');
            }
            output.Flush();
        }
    }

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} stdin lines so far were longer than {Max} bytes and skipped")]
        public static partial void TooLong(ILogger logger, long count, int max);

        [LoggerMessage(Level = LogLevel.Information, Message = "Stdin ended; stopping")]
        public static partial void InputEnded(ILogger logger);
    }
}
