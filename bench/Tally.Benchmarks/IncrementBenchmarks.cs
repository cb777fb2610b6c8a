using Akka.Cluster;
using BenchmarkDotNet.Attributes;
using Tally.Crdt;
using AkkaCounter = Akka.DistributedData.GCounter;

namespace Tally.Benchmarks;

/// <summary>One view counted on a video and replica that already exist. Akka: <c>GCounter.Increment</c> on a
/// 5-replica counter (returns a new counter and its delta). Tally: <c>CounterMap.Increment</c> in a 100,000-video map
/// with 5 replicas (finds the row by video id, then adds in place), and, for reference, Tally's immutable
/// <c>GCounter.Increment</c>.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[CategoriesColumn]
[BenchmarkCategory("Increment")]
public class IncrementBenchmarks
{
    const int Videos = 100_000;
    AkkaCounter _akka = null!;
    UniqueAddress _node = null!;
    CounterMap _map = null!;
    Crdt.GCounter _counter = null!;
    VideoId _video;
    ReplicaId _replica;

    [GlobalSetup]
    public void Setup()
    {
        var nodes = BenchData.Nodes(5);
        var replicas = BenchData.Replicas(5);
        var ids = BenchData.VideoIds(Videos);
        _akka = BenchData.AkkaCounterOf(nodes, r => BenchData.Entry(0, r, 5, -1));
        _node = nodes[2];
        _map = BenchData.TallyMap(ids, replicas, bump: -1);
        _counter = BenchData.TallyCounter(replicas, r => BenchData.Entry(0, r, 5, -1));
        // A fresh instance of an id in the middle of the map, as a request handler would parse it.
        _video = VideoId.Parse(new string(ids[Videos / 2].AsSpan()));
        _replica = replicas[2];
    }

    [Benchmark(Baseline = true, Description = "Akka GCounter.Increment")]
    public AkkaCounter Akka() => _akka.Increment(_node, 1);

    [Benchmark(Description = "Tally CounterMap.Increment")]
    public ulong TallyMap() => _map.Increment(_video, _replica, 1);

    [Benchmark(Description = "Tally GCounter.Increment")]
    public Crdt.GCounter TallyCounter() => _counter.Increment(_replica, 1);
}
