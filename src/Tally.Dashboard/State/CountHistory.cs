using System.Numerics;
using Microsoft.Extensions.Options;

namespace Tally.Dashboard.State;

/// <summary>The chart's history: per cluster and video, a sample of every card's count every
/// <see cref="DashboardOptions.HistoryInterval"/>, for <see cref="DashboardOptions.HistoryRetention"/>. Kept by the
/// dashboard process (in memory), so a reload or a second page shows the same past; a restart of the dashboard starts
/// it again. At most <see cref="DashboardOptions.HistoryVideosMax"/> videos, the least recently sampled forgotten.</summary>
public sealed class CountHistory(IOptions<DashboardOptions> options)
{
    /// <param name="At">Unix milliseconds.</param>
    /// <param name="Counts">Card key to count; null where the node did not answer.</param>
    public sealed record Sample(long At, IReadOnlyDictionary<string, BigInteger?> Counts);

    /// <summary>The answer of <c>GET /api/history</c>: sample times and one series per node (null: no answer).</summary>
    public sealed record Series(string? ClusterId, string VideoId, IReadOnlyList<long> At, IReadOnlyDictionary<string, BigInteger?[]> Nodes);

    readonly Lock _lock = new();
    readonly Dictionary<(string Cluster, string Video), Queue<Sample>> _series = [];

    public void Add(string? clusterId, string videoId, Sample sample)
    {
        var o = options.Value;
        var max = (int)Math.Max(1, o.HistoryRetention / o.HistoryInterval);
        lock (_lock)
        {
            var key = (clusterId ?? "", videoId);
            if (!_series.TryGetValue(key, out var queue))
            {
                if (_series.Count >= o.HistoryVideosMax)
                {
                    var stalest = _series.MinBy(kv => kv.Value.Count > 0 ? kv.Value.Last().At : long.MinValue).Key;
                    _series.Remove(stalest);
                }
                _series[key] = queue = new();
            }
            queue.Enqueue(sample);
            while (queue.Count > max || (queue.TryPeek(out var first) && first.At < sample.At - (long)o.HistoryRetention.TotalMilliseconds))
            {
                queue.Dequeue();
            }
        }
    }

    /// <summary>The samples of the last <paramref name="range"/> up to <paramref name="now"/>.</summary>
    public Series Get(string? clusterId, string videoId, TimeSpan range, DateTimeOffset now)
    {
        List<Sample> samples;
        lock (_lock)
        {
            var from = now.ToUnixTimeMilliseconds() - (long)range.TotalMilliseconds;
            samples = _series.TryGetValue((clusterId ?? "", videoId), out var queue) ? [.. queue.Where(s => s.At >= from)] : [];
        }
        var keys = samples.SelectMany(s => s.Counts.Keys).Distinct(StringComparer.Ordinal).Order(Comparer<string>.Create(UpdateBuilder.NaturalCompare));
        var nodes = keys.ToDictionary(k => k, k => samples.Select(s => s.Counts.GetValueOrDefault(k)).ToArray(), StringComparer.Ordinal);
        return new(clusterId, videoId, [.. samples.Select(s => s.At)], nodes);
    }
}
