using System.Runtime.InteropServices;
using Tally.Crdt;
using Tally.Crdt.Serialization;

namespace Tally.Benchmarks;

/// <summary>The <c>--merge-cpu [videos] [runs] [only]</c> mode: the four Tally map merges of <see cref="MapMergeBenchmarks"/>
/// (same data, same targets), each timed in CPU time of the merging thread, minimum and median of several runs. For
/// quick comparisons while changing the merge on a shared machine, where wall time swings with the load; the budget
/// figures come from BenchmarkDotNet against Akka in the same run. <c>only</c> runs the cases whose name contains
/// it (for a profiler).</summary>
static class MergeCpu
{
    const int Replicas = 5;

    public static void Run(int videos, int runs, string? only = null)
    {
        _only = only;
        var ids = BenchData.VideoIds(videos);
        var replicas = BenchData.Replicas(Replicas);
        var target = BenchData.TallyMap(ids, replicas, bump: 0);
        var sameDiverged = BenchData.TallyMap(BenchData.Copies(ids), replicas, bump: 1);
        var sameEqual = BenchData.TallyMap(BenchData.Copies(ids), replicas, bump: 0);
        var decodedDiverged = CrdtBinary.DecodeMap(CrdtBinary.Encode(sameDiverged));
        var decodedEqual = CrdtBinary.DecodeMap(CrdtBinary.Encode(sameEqual));
        Console.WriteLine($"{videos:N0} videos x {Replicas} replicas; CPU ms of the merging thread, min / median of {runs} runs");
        Report("same order, every video changes", runs, () => target.Clone(), t => t.Merge(sameDiverged), videos);
        Report("decoded order, every video changes", runs, () => target.Clone(), t => t.Merge(decodedDiverged), videos);
        Report("same order, nothing changes", runs, () => target, t => t.Merge(sameEqual), 0);
        Report("decoded order, nothing changes", runs, () => target, t => t.Merge(decodedEqual), 0);
        foreach (var size in new[] { 256, 1_024, 4_096, 20_000 })
        {
            // A delta-sized source in id order (as decoded): every (videos / size)-th video, one more view each.
            var step = Math.Max(1, videos / size);
            var picked = Enumerable.Range(0, videos / step).Select(i => i * step).OrderBy(v => ids[v], StringComparer.Ordinal).ToArray();
            var delta = new CounterMap(picked.Length);
            foreach (var v in picked)
            {
                delta.Increment(VideoId.Parse(new string(ids[v].AsSpan())), replicas[v % Replicas], BenchData.Entry(v, v % Replicas, Replicas, 0) + 1);
            }
            // Into one copy of the target: the first merge changes every video of the delta, the rest change nothing.
            var into = target.Clone();
            Report($"decoded order, {picked.Length:N0}-video delta", runs * 20, () => into, t => t.Merge(delta), -1);
        }
    }

    static string? _only;

    static void Report(string name, int runs, Func<CounterMap> setup, Func<CounterMap, int> merge, int expected)
    {
        if (_only is not null && !name.Contains(_only, StringComparison.Ordinal))
        {
            return;
        }
        var times = new double[runs];
        long allocated = 0;
        for (var i = 0; i < runs; i++)
        {
            var t = setup();
            GC.Collect();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var start = ThreadCpu();
            var changed = merge(t);
            times[i] = (ThreadCpu() - start) / 1e6;
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (expected >= 0 && changed != expected)
            {
                throw new InvalidOperationException($"{name}: {changed} videos changed, expected {expected}");
            }
        }
        Array.Sort(times);
        Console.WriteLine($"{name,-36} {times[0],8:F1} / {times[runs / 2],8:F1} ms   allocated {allocated:N0} B (last run)");
    }

    /// <summary>CLOCK_THREAD_CPUTIME_ID in nanoseconds (Linux).</summary>
    static long ThreadCpu()
    {
        _ = ClockGettime(3, out var ts);
        return ts.Seconds * 1_000_000_000 + ts.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGettime(int clock, out Timespec ts);
}
