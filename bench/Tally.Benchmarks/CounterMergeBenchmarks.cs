using BenchmarkDotNet.Attributes;
using AkkaCounter = Akka.DistributedData.GCounter;

namespace Tally.Benchmarks;

/// <summary>Merging two counters that diverged concurrently: each holds a higher entry than the other for half of
/// the replicas, so the result is a new counter on both sides. Akka <c>GCounter.Merge</c> against Tally's
/// immutable <c>GCounter.Merge</c>.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[CategoriesColumn]
[BenchmarkCategory("CounterMerge")]
public class CounterMergeBenchmarks
{
    AkkaCounter _akkaA = null!, _akkaB = null!;
    Crdt.GCounter _tallyA = null!, _tallyB = null!;

    [Params(5, 100)]
    public int Replicas { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var nodes = BenchData.Nodes(Replicas);
        var replicas = BenchData.Replicas(Replicas);
        // A leads on even replicas, B on odd ones.
        ulong A(int r) => (ulong)(100 + r) + (r % 2 == 0 ? 5UL : 0UL);
        ulong B(int r) => (ulong)(100 + r) + (r % 2 == 1 ? 5UL : 0UL);
        (_akkaA, _akkaB) = (BenchData.AkkaCounterOf(nodes, A), BenchData.AkkaCounterOf(nodes, B));
        (_tallyA, _tallyB) = (BenchData.TallyCounter(replicas, A), BenchData.TallyCounter(replicas, B));
    }

    [Benchmark(Baseline = true, Description = "Akka GCounter.Merge")]
    public AkkaCounter Akka() => _akkaA.Merge(_akkaB);

    [Benchmark(Description = "Tally GCounter.Merge")]
    public Crdt.GCounter Tally() => _tallyA.Merge(_tallyB);
}
