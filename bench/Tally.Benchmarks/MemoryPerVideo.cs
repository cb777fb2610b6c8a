using System.Diagnostics;
using System.Runtime;
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
