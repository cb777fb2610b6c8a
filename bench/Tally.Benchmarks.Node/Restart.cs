using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Tally.Crdt;
using Tally.Replication;
using Tally.Storage;

namespace Tally.Benchmarks.Node;

/// <summary>The <c>restart</c> mode: writes a data directory as a node leaves it (own and merged records of
/// 10,000 videos each, a snapshot of all <c>N</c> videos, then a log tail of 1% of them), then times what a node
/// does before it serves: <see cref="FileStateStore.LoadAsync"/> (snapshot read, decode, log replay) and building
/// the <see cref="ReplicaNode"/> and <see cref="Replica"/> around the loaded map. Three loads; the files are in the
/// page cache after the first (a node restarting on the same machine).</summary>
static class Restart
{
    const int RecordVideos = 10_000;

    public static async Task RunAsync(int videos, string? directory, bool keep)
    {
        var dir = directory ?? Path.Combine(Path.GetTempPath(), $"tally-restart-{videos}");
        Console.WriteLine($"Restart with {videos:N0} videos x 2 replicas in {dir}; .NET {Environment.Version}, {Environment.ProcessorCount} cores");
        var replicas = Data.Replicas(2);
        if (!File.Exists(Path.Combine(dir, "restart-bench.done")))
        {
            await WriteAsync(dir, videos, replicas);
        }
        var size = new DirectoryInfo(dir).EnumerateFiles().Sum(f => f.Length);
        Console.WriteLine($"data directory: {size / 1e6:F1} MB ({size / (double)videos:F1} B per video)");
        for (var run = 1; run <= 3; run++)
        {
            GC.Collect();
            var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var pause = GC.GetTotalPauseDuration();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var noGc = Environment.GetEnvironmentVariable("RESTART_NOGC") is { } noGcMb && GC.TryStartNoGCRegion(long.Parse(noGcMb, System.Globalization.CultureInfo.InvariantCulture) << 20);
            var watch = Stopwatch.StartNew();
            var store = new FileStateStore(new StorageOptions { DataDirectory = dir }, NullLogger<FileStateStore>.Instance);
            var map = await store.LoadAsync(CancellationToken.None) ?? throw new InvalidOperationException("empty directory");
            var loaded = watch.Elapsed;
            var node = new ReplicaNode(replicas[0], "http://127.0.0.1:1", 1, new ReplicationOptions(), TimeProvider.System,
                new Random(1), map, []);
            var replica = new Replica(node, new ReplicaOptions(), TimeProvider.System, store.LoadedKeys);
            var ready = watch.Elapsed;
            var cpuTime = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            if (noGc && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
            Console.WriteLine($"run {run}: {map.Count:N0} videos; store loaded in {loaded.TotalSeconds:F2} s, replica built in " +
                $"{(ready - loaded).TotalSeconds:F2} s; ready in {ready.TotalSeconds:F2} s = {map.Count / ready.TotalSeconds / 1e6:F2}M videos/s " +
                $"({ready.TotalMicroseconds / map.Count:F2} us per video); heap {GC.GetTotalMemory(false) / 1e6:F0} MB; " +
                $"GCs gen0/1/2 {GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3}, " +
                $"paused {(GC.GetTotalPauseDuration() - pause).TotalSeconds:F2} s; CPU {cpuTime.TotalSeconds:F2} s = {map.Count / cpuTime.TotalSeconds / 1e6:F2}M videos per CPU second{(noGc ? " (no-GC region)" : "")}");
            GC.KeepAlive(replica);
            await store.DisposeAsync();
        }
        if (!keep && directory is null)
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Own records (views at replica 0) and merged records (replica 1), 10,000 videos each, then a snapshot
    /// (as a node writes one on stop or when its log is long), then 1% of the videos again in the log.</summary>
    static async Task WriteAsync(string dir, int videos, ReplicaId[] replicas)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        var watch = Stopwatch.StartNew();
        var ids = Data.VideoIds(videos);
        var store = new FileStateStore(new StorageOptions { DataDirectory = dir, Durability = Durability.None }, NullLogger<FileStateStore>.Instance);
        _ = await store.LoadAsync(CancellationToken.None);
        var state = new CounterMap();
        for (var start = 0; start < videos; start += RecordVideos)
        {
            foreach (var replica in replicas)
            {
                var delta = new CounterMap(RecordVideos);
                for (var v = start; v < Math.Min(videos, start + RecordVideos); v++)
                {
                    delta.Join(VideoId.Parse(ids[v]), replica, 1 + (ulong)(v % 1000));
                }
                await store.AppendAsync(delta, CancellationToken.None);
                state.Merge(delta);
            }
            if (store.SnapshotDue)
            {
                await store.SnapshotAsync(state, KeyRetention.None, CancellationToken.None);
            }
        }
        await store.SnapshotAsync(state, KeyRetention.None, CancellationToken.None);
        var tail = new CounterMap();
        for (var v = 0; v < videos; v += 100)
        {
            tail.Join(VideoId.Parse(ids[v]), replicas[0], 2000 + (ulong)v);
            if (tail.Count == RecordVideos)
            {
                await store.AppendAsync(tail, CancellationToken.None);
                tail = new CounterMap();
            }
        }
        await store.AppendAsync(tail, CancellationToken.None);
        await store.DisposeAsync();
        await File.WriteAllTextAsync(Path.Combine(dir, "restart-bench.done"), "");
        Console.WriteLine($"wrote the directory in {watch.Elapsed.TotalSeconds:F1} s");
    }
}
