using System.Numerics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Tally.Dashboard.State;

/// <summary>Samples every watched video's cards into <see cref="CountHistory"/> every
/// <see cref="DashboardOptions.HistoryInterval"/>. A node that does not answer (or is down, left or of another
/// cluster) gives a gap, not a zero.</summary>
public sealed class HistoryRecorder(
    WatchedVideos watched, DashboardUpdates updates, CountHistory history, IOptions<DashboardOptions> options, TimeProvider time)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HistoryInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var video in watched.Current)
                {
                    Record(updates.Build(video, withTimeline: false));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal void Record(DashboardUpdate update)
    {
        var counts = update.Nodes.ToDictionary(
            n => n.Key,
            n => n.Reachable && n.Status is not ("down" or "left" or "foreign") ? n.Count : (BigInteger?)null,
            StringComparer.Ordinal);
        history.Add(update.ClusterId, update.VideoId, new(update.At, counts));
    }
}
