using System.Diagnostics;

namespace Tally.Benchmarks.Convergence;

/// <summary>What an idle gossip round costs with many videos: loads videos through the batch endpoint (one view
/// each, bounded batches, spread over the nodes), waits until every node holds the same state (same number of videos,
/// equal digests), lets the last acknowledgements settle, then reads each node's <c>/metrics</c> counters before and
/// after a number of idle rounds.</summary>
sealed class IdleGossip(LocalCluster cluster, NodeClient client)
{
    const int BatchVideos = 5_000;
    const int BatchesInFlightMax = 2;

    /// <summary>What one node's counters gained over a window: rounds, gossip sent (bytes are gossip message bytes,
    /// without HTTP headers), digests sent, and the time spent merging received messages under the replica lock.</summary>
    internal sealed record GossipCost(string Node, double Rounds, double BytesOut, double MessagesOut, double DeltaVideosOut,
        double RepairVideosOut, double Digests, double MergeSeconds, double Merges)
    {
        public double BytesPerRound => Rounds > 0 ? BytesOut / Rounds : double.NaN;

        public double MessagesPerRound => Rounds > 0 ? MessagesOut / Rounds : double.NaN;

        public double BytesPerMessage => MessagesOut > 0 ? BytesOut / MessagesOut : double.NaN;
    }

    public int Loaded { get; private set; }

    /// <summary>Adds videos <c>idle0000000</c>... until <paramref name="total"/> exist; returns the time it took.</summary>
    public async Task<TimeSpan> LoadAsync(int total, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var batches = new List<(int From, int To)>();
        for (var from = Loaded; from < total; from += BatchVideos)
        {
            batches.Add((from, Math.Min(from + BatchVideos, total)));
        }
        await Parallel.ForEachAsync(batches.Select((b, i) => (b.From, b.To, Node: cluster.Nodes[i % cluster.Nodes.Count])),
            new ParallelOptions { MaxDegreeOfParallelism = BatchesInFlightMax, CancellationToken = ct },
            async (batch, token) => await client.PostBatchAsync(batch.Node,
                Enumerable.Range(batch.From, batch.To - batch.From).Select(Video), token));
        Loaded = Math.Max(Loaded, total);
        return clock.Elapsed;
    }

    static string Video(int n) => $"idle{n:D7}";

    /// <summary>Videos the cluster held before the first load (from earlier benchmarks on it).</summary>
    public int Existing { get; private set; }

    /// <summary>Notes how many videos the (converged) cluster holds before loading more.</summary>
    public async Task StartAsync(CancellationToken ct) => Existing = (await client.GetClusterAsync(cluster.Nodes[0], ct)).Videos;

    /// <summary>Until every node has the <see cref="Existing"/> videos and <paramref name="videos"/> loaded ones and
    /// the same, current digest. Returns the time to that point; then waits on (within the same timeout) until every
    /// peer has acknowledged every node's changes, so no delta is owed and the next rounds are idle.</summary>
    public async Task<TimeSpan> WaitConvergedAsync(int videos, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.FromSeconds(30);
        TimeSpan? equal = null;
        while (true)
        {
            cluster.ThrowIfExited();
            var infos = await Task.WhenAll(cluster.Nodes.Select(n => client.GetClusterAsync(n, ct)));
            if (clock.Elapsed > next)
            {
                Console.Error.WriteLine($"  ({clock.Elapsed.TotalSeconds:0} s) waiting: " +
                    string.Join(", ", infos.Select((i, n) => $"{cluster.Nodes[n].Id} {i.Videos:N0} videos")));
                next += TimeSpan.FromSeconds(30);
            }
            if (equal is null && infos.All(i => i.Videos == Existing + videos && i.Version == i.DigestVersion && i.Digest == infos[0].Digest))
            {
                equal = clock.Elapsed;
            }
            if (equal is { } converged && infos.All(i => i.AllAcked))
            {
                return converged;
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Not converged on {videos:N0} videos after {timeout.TotalSeconds:0} s: " +
                    string.Join(", ", infos.Select((i, n) => $"{cluster.Nodes[n].Id} {i.Videos:N0} videos, digest {i.Digest}@{i.DigestVersion}/{i.Version}, all acked {i.AllAcked}")));
            }
            await Task.Delay(500, ct);
        }
    }

    /// <summary>Counter increases on every node over <paramref name="rounds"/> gossip intervals of idleness.</summary>
    public async Task<List<GossipCost>> MeasureAsync(int rounds, CancellationToken ct)
    {
        var before = await SnapshotAsync(ct);
        await Task.Delay(cluster.GossipInterval * rounds, ct);
        return Increase(before, await SnapshotAsync(ct));
    }

    /// <summary>Every node's <c>/metrics</c> series now.</summary>
    public async Task<Dictionary<string, double>[]> SnapshotAsync(CancellationToken ct) =>
        await Task.WhenAll(cluster.Nodes.Select(n => client.GetMetricsAsync(n, ct)));

    /// <summary>What each node's gossip counters gained between two snapshots.</summary>
    public List<GossipCost> Increase(Dictionary<string, double>[] before, Dictionary<string, double>[] after) =>
    [
        .. cluster.Nodes.Select((node, i) =>
        {
            double Gain(string name, string suffix = "_total", string? label = null) =>
                Sum(after[i], name, suffix, label) - Sum(before[i], name, suffix, label);
            return new GossipCost(node.Id, Gain("tally_gossip_rounds"), Gain("tally_gossip_bytes", label: "direction=\"out\""),
                Gain("tally_gossip_messages", label: "direction=\"out\""), Gain("tally_gossip_delta_videos", label: "direction=\"out\""),
                Gain("tally_gossip_repair_videos", label: "direction=\"out\""), Gain("tally_gossip_digests"),
                Gain("tally_merge_duration", "_sum"), Gain("tally_merge_duration", "_count"));
        }),
    ];

    /// <summary>The sum of the series whose name starts with <paramref name="name"/> and ends with
    /// <paramref name="suffix"/> (the exporter adds the unit and <c>_total</c>, <c>_sum</c>, <c>_count</c>) and that
    /// carry <paramref name="label"/>.</summary>
    static double Sum(Dictionary<string, double> series, string name, string suffix, string? label) => series
        .Where(s => s.Key.StartsWith(name, StringComparison.Ordinal) && s.Key.Split('{')[0].EndsWith(suffix, StringComparison.Ordinal) &&
                    (label is null || s.Key.Contains(label, StringComparison.Ordinal)))
        .Sum(s => s.Value);
}
