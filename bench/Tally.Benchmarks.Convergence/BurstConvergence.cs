using System.Diagnostics;

namespace Tally.Benchmarks.Convergence;

/// <summary>Time from the last acknowledged view of a burst until every node reports the acknowledged sum. Each
/// iteration sends <c>requests</c> view requests (random amount 1-5) for fresh videos, each to a random node, over
/// HTTP with a few in flight, and books what was acknowledged; then it polls GET /videos/{id} of every node and
/// video still behind every ~10 ms until all agree. A count above the acknowledged sum is an error (nothing is sent
/// while polling, so it would be an invented view).</summary>
sealed class BurstConvergence(LocalCluster cluster, NodeClient client, Random random)
{
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    const int InFlightMax = 8;

    internal sealed record Iteration(int Requests, ulong Views, TimeSpan Burst, TimeSpan Convergence);

    public async Task<Iteration> RunOnceAsync(int iteration, int requests, int videos, TimeSpan timeout, CancellationToken ct)
    {
        var ids = Enumerable.Range(0, videos).Select(v => $"burst{iteration:D3}-v{v}").ToArray();
        var plan = Enumerable.Range(0, requests)
            .Select(_ => (Node: cluster.Nodes[random.Next(cluster.Nodes.Count)], Video: random.Next(videos), Amount: random.Next(1, 6)))
            .ToArray();
        var expected = new ulong[videos];
        var clock = Stopwatch.StartNew();
        var lastAck = TimeSpan.Zero;
        var sync = new Lock();
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = InFlightMax, CancellationToken = ct },
            async (view, token) =>
            {
                await client.PostViewsAsync(view.Node, ids[view.Video], view.Amount, token);
                var at = clock.Elapsed;
                lock (sync)
                {
                    expected[view.Video] += (ulong)view.Amount;
                    lastAck = at > lastAck ? at : lastAck;
                }
            });

        var behind = cluster.Nodes.SelectMany(n => Enumerable.Range(0, videos).Select(v => (Node: n, Video: v))).ToList();
        var agreed = lastAck;
        while (behind.Count > 0)
        {
            if (clock.Elapsed - lastAck > timeout)
            {
                throw new TimeoutException($"Burst {iteration}: {behind.Count} node/video pairs still behind after {timeout.TotalSeconds:0} s, " +
                    $"e.g. {behind[0].Node.Id} on {ids[behind[0].Video]}.");
            }
            cluster.ThrowIfExited();
            var started = clock.Elapsed;
            var answers = await Task.WhenAll(behind.Select(async p => (Pair: p, Count: await client.GetCountAsync(p.Node, ids[p.Video], ct), At: clock.Elapsed)));
            foreach (var (pair, count, at) in answers)
            {
                if (count > expected[pair.Video])
                {
                    throw new InvalidOperationException(
                        $"Burst {iteration}: node {pair.Node.Id} reports {count} views of {ids[pair.Video]}, more than the {expected[pair.Video]} acknowledged.");
                }
                if (count == expected[pair.Video])
                {
                    behind.Remove(pair);
                    agreed = at > agreed ? at : agreed;
                }
            }
            var rest = PollInterval - (clock.Elapsed - started);
            if (behind.Count > 0 && rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, ct);
            }
        }
        return new Iteration(requests, expected.Aggregate(0UL, (a, b) => a + b), lastAck, agreed - lastAck);
    }
}
