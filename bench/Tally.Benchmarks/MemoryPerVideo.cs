using System.Diagnostics;
using System.Runtime;
using Tally.Crdt;
using Tally.Crdt.Serialization;

namespace Tally.Benchmarks;

/// <summary>The <c>--memory</c> mode: heap bytes per video of a map with 5 replicas, measured as the growth of
/// <see cref="GC.GetTotalMemory(bool)"/> (after a full, compacting collection) across building it. The video id
/// strings are created inside the measurement, because the map is what keeps them alive.</summary>
static class MemoryPerVideo
{
    const int Replicas = 5;

    public static void Run(int videos)
    {
        Console.WriteLine($"Heap bytes per video, {videos:N0} videos x {Replicas} replicas, 11-character ids");
        Console.WriteLine($".NET {Environment.Version}, server GC: {GCSettings.IsServerGC}, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| Structure | Bytes | Bytes per video |");
        Console.WriteLine("|---|---:|---:|");
        var akka = Measure(videos, "Akka ImmutableDictionary<string, GCounter>",
            () => BenchData.AkkaMap(BenchData.VideoIds(videos), BenchData.Nodes(Replicas), bump: -1));
        Measure(videos, "Tally CounterMap, grown by Increment from empty (no TrimExcess)",
            () => BenchData.TallyMap(BenchData.VideoIds(videos), BenchData.Replicas(Replicas), bump: -1, presize: false));
        var trimmed = Measure(videos, "Tally CounterMap, grown by Increment from empty, then TrimExcess()", () =>
        {
            var map = BenchData.TallyMap(BenchData.VideoIds(videos), BenchData.Replicas(Replicas), bump: -1, presize: false);
            map.TrimExcess();
            return map;
        });
        var encoded = CrdtBinary.Encode(BenchData.TallyMap(BenchData.VideoIds(videos), BenchData.Replicas(Replicas), bump: -1));
        var loaded = Measure(videos, "Tally CounterMap, loaded by CrdtBinary.DecodeMap", () => CrdtBinary.DecodeMap(encoded));
        GC.KeepAlive(encoded);
        Console.WriteLine();
        Console.WriteLine($"Akka / Tally: {akka / trimmed:F2}x (trimmed), {akka / loaded:F2}x (loaded)");
        LostDisks(videos);
    }

    /// <summary>Replica ids since issue 8 (<c>node-1~4k7pq2zx9m</c>), and replicas added by lost disks: each lost disk
    /// leaves its old replica's entries in the map forever (here on one video in four, the views it took before the
    /// loss) and adds a new replica. Maps are loaded by <c>CrdtBinary.DecodeMap</c>, as a node loads its snapshot.</summary>
    static void LostDisks(int videos)
    {
        Console.WriteLine();
        Console.WriteLine($"Replica ids made with the data directory, {videos:N0} videos, 5 live replicas and replicas left by lost disks");
        Console.WriteLine();
        Console.WriteLine("| Replicas (live + left by lost disks) | Heap bytes per video (loaded) | Snapshot bytes per video (CrdtBinary) |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var lost in new[] { 0, 5, 15 })
        {
            var ids = BenchData.VideoIds(videos);
            var live = Enumerable.Range(1, Replicas).Select(i => ReplicaId.New($"node-{i}", new Random(i))).ToArray();
            var gone = Enumerable.Range(1, lost).Select(i => ReplicaId.New($"node-{(i - 1) % Replicas + 1}", new Random(100 + i))).ToArray();
            var map = BenchData.TallyMap(ids, live, bump: -1);
            for (var v = 0; v < ids.Length; v += 4)
            {
                var video = VideoId.Parse(ids[v]);
                foreach (var replica in gone)
                {
                    map.Increment(video, replica, 1 + (ulong)(v % 97));
                }
            }
            var encoded = CrdtBinary.Encode(map);
            map = null;
            var label = $"{Replicas} + {lost}";
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var loaded = CrdtBinary.DecodeMap(encoded);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(loaded);
            Console.WriteLine($"| {label} | {(after - before) / (double)videos:F1} | {encoded.Length / (double)videos:F1} |");
        }
    }

    static double Measure(int videos, string name, Func<object> build)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        var kept = build();
        watch.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(kept);
        var perVideo = (after - before) / (double)videos;
        Console.WriteLine($"| {name} | {after - before:N0} | {perVideo:F1} |");
        return perVideo;
    }
}
