using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Tally.Benchmarks.Convergence;

// Convergence and idle gossip of a local cluster of `tally node` processes (docs/benchmarks.md, "Node under load").
// Usage: Tally.Benchmarks.Convergence [--nodes 5] [--interval-ms 1000] [--iterations 20] [--requests 200]
//        [--videos 4] [--idle-rounds 10] [--small 10000] [--large 1000000] [--skip-idle] [--seed 1]
// 1. Bursts: --iterations times, --requests view requests over --videos fresh videos to random nodes; the time from
//    the last acknowledgement until every node reports the acknowledged sums (median, p99, in gossip intervals).
// 2. Idle gossip: --small videos loaded through the batch endpoint, converged, then gossip bytes sent per round per
//    node over --idle-rounds idle rounds; the same again after loading up to --large videos.
// Everything runs on 127.0.0.1; the nodes are killed (by their process objects) and their data deleted at the end.
var options = Options.Parse(args);
var cliPath = typeof(LocalNode).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TallyCli").Value!;
if (!File.Exists(cliPath))
{
    Console.Error.WriteLine($"Build src/Tally.Cli first (same configuration): {cliPath} is missing.");
    return 2;
}
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(45)); // bounded, whatever happens
// Ctrl+C, SIGTERM (e.g. from `timeout`) and SIGQUIT end the run through the finally blocks, which kill the nodes.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);
var ct = cancel.Token;
var interval = TimeSpan.FromMilliseconds(options.IntervalMs);
var random = new Random(options.Seed);

Console.WriteLine(Machine.Describe());
Console.WriteLine($"Cluster: {options.Nodes} `tally node` processes on 127.0.0.1, --gossip-interval {interval.TotalMilliseconds:0}ms, " +
    "fanout 2 (default), --durability fsync, every node configured with every other as a peer.");
using var client = new NodeClient();
using var cluster = new LocalCluster(cliPath, options.Nodes, interval);
try
{
    cluster.Start();
    await cluster.WaitReadyAsync(client, TimeSpan.FromSeconds(60), ct);
    Console.WriteLine("All nodes ready and seeing every member alive.");

    var bursts = new BurstConvergence(cluster, client, random);
    await bursts.RunOnceAsync(0, options.Requests, options.Videos, interval * 30, ct); // warm-up, not measured
    var runs = new List<BurstConvergence.Iteration>();
    for (var i = 1; i <= options.Iterations; i++)
    {
        var run = await bursts.RunOnceAsync(i, options.Requests, options.Videos, interval * 30, ct);
        runs.Add(run);
        Console.WriteLine($"  burst {i,2}: {run.Requests} requests, {run.Views} views acknowledged in {run.Burst.TotalMilliseconds,6:0} ms; " +
            $"all {options.Nodes} nodes agree {run.Convergence.TotalMilliseconds,6:0} ms after the last acknowledgement");
        await Task.Delay(TimeSpan.FromMilliseconds(random.Next((int)interval.TotalMilliseconds)), ct); // a random phase against the rounds
    }
    var seconds = runs.Select(r => r.Convergence.TotalSeconds).ToArray();
    var (median, p99, max) = (Stats.Median(seconds), Stats.Percentile(seconds, 99), seconds.Max());
    var target = 2 * interval.TotalSeconds;
    Console.WriteLine($"Convergence after a burst ({runs.Count} bursts): median {median * 1000:0} ms = {median / interval.TotalSeconds:0.00} intervals, " +
        $"p99 {p99 * 1000:0} ms = {p99 / interval.TotalSeconds:0.00} intervals (nearest rank; max {max * 1000:0} ms), " +
        $"min {seconds.Min() * 1000:0} ms. Target <= 2 intervals: median {Verdict(median <= target)}, p99 {Verdict(p99 <= target)}.");

    if (!options.SkipIdle)
    {
        var idle = new IdleGossip(cluster, client);
        await idle.StartAsync(ct);
        var perRound = new List<(int Videos, double Mean, double Max)>();
        foreach (var videos in new[] { options.Small, options.Large })
        {
            var before = await idle.SnapshotAsync(ct);
            var loadTime = await idle.LoadAsync(videos, ct);
            var converged = await idle.WaitConvergedAsync(videos, TimeSpan.FromMinutes(20), ct);
            var busy = idle.Increase(before, await idle.SnapshotAsync(ct));
            Console.WriteLine($"Loading up to {videos:N0} videos took {loadTime.TotalSeconds:0.0} s; all nodes were equal " +
                $"{converged.TotalSeconds:0.0} s later. Gossip from the load's start until every change was acknowledged, per node:");
            Print(busy);
            await Task.Delay(interval, ct);
            var nodes = await idle.MeasureAsync(options.IdleRounds, ct);
            Console.WriteLine($"Idle gossip with {videos:N0} videos over {options.IdleRounds} rounds (after every peer had " +
                "acknowledged every node's changes, and one more round):");
            Print(nodes);
            perRound.Add((videos, nodes.Average(n => n.BytesPerRound), nodes.Max(n => n.BytesPerRound)));
        }
        foreach (var (videos, mean, most) in perRound)
        {
            Console.WriteLine($"  {videos,9:N0} videos: {mean:N0} bytes per round per node on average, {most:N0} at most. " +
                $"Target < 1 KB: {Verdict(most < 1024)}.");
        }
        Console.WriteLine($"  {perRound[^1].Videos:N0} vs {perRound[0].Videos:N0} videos: {perRound[^1].Mean / perRound[0].Mean:0.00}x the bytes per round.");
    }
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or OperationCanceledException)
{
    Console.Error.WriteLine($"Convergence benchmark failed: {e.Message}");
    return 1;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}

static void Print(List<IdleGossip.GossipCost> nodes)
{
    Console.WriteLine("  | node | rounds | bytes sent | messages sent | bytes/round | messages/round | bytes/message | delta videos | repair videos | digests | merge time |");
    Console.WriteLine("  |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var n in nodes)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  | {n.Node} | {n.Rounds:0} | {n.BytesOut:N0} | {n.MessagesOut:0} | {n.BytesPerRound:N0} | {n.MessagesPerRound:0.0} | " +
            $"{n.BytesPerMessage:N0} | {n.DeltaVideosOut:N0} | {n.RepairVideosOut:N0} | {n.Digests:0} | {n.MergeSeconds:0.00} s in {n.Merges:0} |"));
    }
}

static string Verdict(bool met) => met ? "met" : "NOT met";
