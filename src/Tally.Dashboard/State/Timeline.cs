using Microsoft.Extensions.Options;

namespace Tally.Dashboard.State;

/// <summary>One event on the page's timeline.</summary>
/// <param name="At">Unix milliseconds.</param>
/// <param name="Kind">joined, left, crashed, down, restarted, up, partitioned, healed, name-conflict or foreign.</param>
/// <param name="Node">The card key of the node.</param>
/// <param name="Text">One sentence for people.</param>
public sealed record TimelineEvent(long At, string Kind, string Node, string Text);

/// <summary>The events the dashboard has seen since it started, oldest dropped beyond
/// <see cref="DashboardOptions.TimelineMax"/>. Written by <see cref="TimelineWatcher"/>; kept by the dashboard process,
/// so every page (and a reload) sees the same history.</summary>
public sealed class Timeline(IOptions<DashboardOptions> options)
{
    readonly Lock _lock = new();
    readonly LinkedList<TimelineEvent> _events = new();

    public void Add(TimelineEvent e)
    {
        lock (_lock)
        {
            _events.AddFirst(e);
            while (_events.Count > options.Value.TimelineMax)
            {
                _events.RemoveLast();
            }
        }
    }

    /// <summary>The latest <paramref name="max"/> events, newest first.</summary>
    public IReadOnlyList<TimelineEvent> Latest(int max)
    {
        lock (_lock)
        {
            return [.. _events.Take(max)];
        }
    }
}
