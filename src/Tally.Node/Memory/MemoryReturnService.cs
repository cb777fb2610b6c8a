using System.Runtime;
using Microsoft.Extensions.Options;

namespace Tally.Node;

/// <summary>Every <see cref="NodeOptions.MemoryReturnInterval"/>, asks <see cref="MemoryReturnRule"/> whether the
/// GC holds enough idle memory to give back, and if so runs a blocking, compacting, aggressive collection (large
/// objects included), which decommits the free memory: the node's resident set then follows its live data instead of
/// its peak. Zero turns it off.</summary>
public sealed partial class MemoryReturnService(IOptions<NodeOptions> options, TimeProvider time, ILogger<MemoryReturnService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.MemoryReturnInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        var rule = new MemoryReturnRule(time, interval);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var before = GC.GetGCMemoryInfo();
                if (!rule.ShouldReturn(before.TotalCommittedBytes, before.HeapSizeBytes - before.FragmentedBytes))
                {
                    continue;
                }
                GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                var after = GC.GetGCMemoryInfo();
                rule.Returned(after.TotalCommittedBytes, after.HeapSizeBytes - after.FragmentedBytes);
                Log.Returned(logger, (before.TotalCommittedBytes - after.TotalCommittedBytes) >> 20, after.TotalCommittedBytes >> 20,
                    after.PauseDurations[0].TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Returned {FreedMiB} MiB of idle GC memory ({CommittedMiB} MiB committed now; paused {PauseMs:F0} ms)")]
        public static partial void Returned(ILogger logger, long freedMiB, long committedMiB, double pauseMs);
    }
}
