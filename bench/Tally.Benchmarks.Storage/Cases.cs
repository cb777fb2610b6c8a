using System.Diagnostics;
using Tally.Crdt;

namespace Tally.Benchmarks.Storage;

/// <summary>One durable log under test: open it in a fresh directory, append deltas, count fsyncs.</summary>
interface ILogUnderTest : IAsyncDisposable
{
    string Name { get; }

    ValueTask OpenAsync(string directory);

    ValueTask AppendAsync(CounterMap delta);

    long Fsyncs { get; }
}

sealed record Result(string Name, int Writers, int ViewsPerDelta, double AppendsPerSecond, double FsyncsPerSecond)
{
    public double ViewsPerSecond => AppendsPerSecond * ViewsPerDelta;
}

static class Cases
{
    static readonly ReplicaId Self = ReplicaId.Parse("node-1");

    /// <summary><paramref name="writers"/> tasks append in a loop, each awaiting its append before the next (as a
    /// request handler awaits durability before answering), for <paramref name="duration"/>.</summary>
    public static async Task<Result> RunAsync(ILogUnderTest log, int writers, int viewsPerDelta, TimeSpan duration, string root)
    {
        var directory = Path.Combine(root, $"tally-storage-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            await log.OpenAsync(directory);
            var deltas = Enumerable.Range(0, writers).Select(w => Deltas(w, viewsPerDelta)).ToArray();
            await RunForAsync(log, deltas, TimeSpan.FromMilliseconds(300)); // warm-up: JIT, file growth
            var fsyncsBefore = log.Fsyncs;
            var stopwatch = Stopwatch.StartNew();
            var appends = await RunForAsync(log, deltas, duration);
            var elapsed = stopwatch.Elapsed.TotalSeconds;
            var fsyncs = log.Fsyncs - fsyncsBefore;
            await log.DisposeAsync();
            return new Result(log.Name, writers, viewsPerDelta, appends / elapsed, fsyncs / elapsed);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    static async Task<long> RunForAsync(ILogUnderTest log, CounterMap[][] deltas, TimeSpan duration)
    {
        var stopwatch = Stopwatch.StartNew();
        var counts = await Task.WhenAll(deltas.Select(mine => Task.Run(async () =>
        {
            long n = 0;
            while (stopwatch.Elapsed < duration)
            {
                await log.AppendAsync(mine[n % mine.Length]);
                n++;
            }
            return n;
        })));
        return counts.Sum();
    }

    /// <summary>A few prebuilt deltas per writer (building them is the host's work, not storage's): own entries of
    /// <paramref name="views"/> distinct videos, the worst case for size.</summary>
    static CounterMap[] Deltas(int writer, int views) =>
        [.. Enumerable.Range(0, 8).Select(i =>
        {
            var delta = new CounterMap(views);
            for (var v = 0; v < views; v++)
            {
                delta.Increment(VideoId.Parse($"video-{writer:D2}-{(i * views + v) % 100_000:D6}"), Self, (ulong)(1000 + i));
            }
            return delta;
        })];
}
