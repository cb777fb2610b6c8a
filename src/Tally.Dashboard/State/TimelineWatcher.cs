using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Tally.Dashboard.State;

/// <summary>Turns what the cards show into timeline events: every push interval it compares each node's status,
/// process starts, partition and name-conflict flags with the previous look. Nodes already there at the first look
/// give no event; nodes that appear later have joined.</summary>
public sealed class TimelineWatcher(DashboardUpdates updates, Timeline timeline, IOptions<DashboardOptions> options, TimeProvider time)
    : BackgroundService
{
    Dictionary<string, Look>? _previous;

    sealed record Look(string Status, int Starts, bool Partitioned, bool NameConflict, string? Detail);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PushInterval, time);
        try
        {
            do
            {
                Observe(updates.Build("", withTimeline: false), time.GetUtcNow().ToUnixTimeMilliseconds());
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Compares one look with the previous one and records what changed.</summary>
    internal void Observe(DashboardUpdate update, long at)
    {
        var starts = update.Nodes.ToDictionary(n => n.Key, n => n.Starts, StringComparer.Ordinal);
        var now = update.Nodes.ToDictionary(
            n => n.Key, n => new Look(n.Status, n.Starts, n.Partitioned, n.NameConflict, n.Detail), StringComparer.Ordinal);
        if (_previous is { } before)
        {
            foreach (var (key, look) in now)
            {
                foreach (var (kind, text) in Changes(key, before.GetValueOrDefault(key), look))
                {
                    timeline.Add(new(at, kind, key, text));
                }
            }
        }
        _previous = now;
    }

    static IEnumerable<(string Kind, string Text)> Changes(string node, Look? was, Look now)
    {
        if (was is null)
        {
            yield return ("joined", $"{node} joined");
            yield break;
        }
        if (now.Starts > was.Starts && was.Starts > 0)
        {
            yield return ("restarted", $"{node} restarted");
        }
        if (now.Partitioned != was.Partitioned)
        {
            yield return now.Partitioned ? ("partitioned", $"{node} partitioned from the others") : ("healed", $"{node} healed");
        }
        if (now.NameConflict && !was.NameConflict)
        {
            yield return ("name-conflict", $"{node}: another node uses the same name");
        }
        if (now.Status == was.Status)
        {
            yield break;
        }
        switch (now.Status)
        {
            case "left" when was.Status != "left":
                yield return ("left", $"{node} left the cluster");
                break;
            case "down" when now.Detail?.Contains("crashed", StringComparison.Ordinal) == true || now.Detail?.Contains("exited", StringComparison.Ordinal) == true:
                yield return ("crashed", now.Detail!.StartsWith("crashed", StringComparison.Ordinal) ? $"{node} {now.Detail}" : $"{node} exited unexpectedly ({now.Detail})");
                break;
            case "down":
                yield return ("down", $"{node} stopped answering" + (now.Detail is null ? "" : $": {now.Detail}"));
                break;
            case "foreign":
                yield return ("foreign", $"{node} belongs to another cluster");
                break;
            case "alive" when was.Status is "starting":
                yield return ("up", $"{node} is up");
                break;
            case "alive" when was.Status is "down" or "left":
                yield return ("up", $"{node} answers again");
                break;
            default:
                break;
        }
    }
}
