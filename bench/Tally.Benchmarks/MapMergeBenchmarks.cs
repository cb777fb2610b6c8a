using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Tally.Crdt;
using Tally.Crdt.Serialization;
using AkkaCounter = Akka.DistributedData.GCounter;

namespace Tally.Benchmarks;

/// <summary>Merging one replica's whole state, 1,000,000 videos with 5 replicas each, into another's.
/// Akka's side is an <c>ImmutableDictionary&lt;string, GCounter&gt;</c> merged key by key through a builder;
/// Tally's is <c>CounterMap.Merge</c>, which mutates its target.</summary>
/// <remarks>"Diverged": both maps saw one extra view per video on different replicas, so every video of the target
/// changes. Tally's target is a fresh <see cref="CounterMap.Clone"/> made in [IterationSetup] (not measured), and
/// each iteration is one merge, so every iteration does the same work. "NoChange": the source equals the target
/// (same data, separate string instances), so the target never changes and needs no setup.
/// Tally's cost depends on the source's row order, Akka's does not (its dictionary is ordered by hash), so Tally is
/// measured twice: with the source in the target's slot order (both maps filled in the same order, e.g. both
/// loaded from snapshots), and with the source decoded by <see cref="CrdtBinary.DecodeMap"/> (ids ascending, as a
/// peer's full state arrives) into a target filled in view-arrival order, which visits the target at random.</remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[Config(typeof(OneMergePerIteration))]
public class MapMergeBenchmarks
{
    const int Videos = 1_000_000;
    const int Replicas = 5;

    ImmutableDictionary<string, AkkaCounter> _akkaTarget = null!, _akkaDiverged = null!, _akkaEqual = null!;
    CounterMap _tallyTarget = null!, _target = null!;
    CounterMap _sameOrderDiverged = null!, _sameOrderEqual = null!, _decodedDiverged = null!, _decodedEqual = null!;

    [GlobalSetup(Targets = [nameof(AkkaDiverged), nameof(AkkaNoChange)])]
    public void SetupAkka()
    {
        var ids = BenchData.VideoIds(Videos);
        var nodes = BenchData.Nodes(Replicas);
        _akkaTarget = BenchData.AkkaMap(ids, nodes, bump: 0);
        _akkaDiverged = BenchData.AkkaMap(BenchData.Copies(ids), nodes, bump: 1);
        _akkaEqual = BenchData.AkkaMap(BenchData.Copies(ids), nodes, bump: 0);
    }

    [GlobalSetup(Targets = [nameof(TallyDiverged), nameof(TallyNoChange), nameof(TallyDecodedDiverged), nameof(TallyDecodedNoChange)])]
    public void SetupTally()
    {
        var ids = BenchData.VideoIds(Videos);
        var replicas = BenchData.Replicas(Replicas);
        _tallyTarget = BenchData.TallyMap(ids, replicas, bump: 0);
        _sameOrderDiverged = BenchData.TallyMap(BenchData.Copies(ids), replicas, bump: 1);
        _sameOrderEqual = BenchData.TallyMap(BenchData.Copies(ids), replicas, bump: 0);
        _decodedDiverged = CrdtBinary.DecodeMap(CrdtBinary.Encode(_sameOrderDiverged));
        _decodedEqual = CrdtBinary.DecodeMap(CrdtBinary.Encode(_sameOrderEqual));
    }

    /// <summary>A fresh target, then a full blocking collection: the copy allocates ~150 MB, and without it a background
    /// collection of that garbage would run during the timed merge, which allocates nothing.</summary>
    [IterationSetup(Targets = [nameof(TallyDiverged), nameof(TallyDecodedDiverged)])]
    public void FreshTarget()
    {
        _target = _tallyTarget.Clone();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    [Benchmark(Baseline = true, Description = "Akka ImmutableDictionary<string, GCounter>")]
    [BenchmarkCategory("MapMerge-Diverged")]
    public ImmutableDictionary<string, AkkaCounter> AkkaDiverged() => MergeKeyByKey(_akkaTarget, _akkaDiverged);

    [Benchmark(Description = "Tally CounterMap.Merge, same order")]
    [BenchmarkCategory("MapMerge-Diverged")]
    public int TallyDiverged() => Expect(_target.Merge(_sameOrderDiverged), Videos);

    [Benchmark(Description = "Tally CounterMap.Merge, decoded order")]
    [BenchmarkCategory("MapMerge-Diverged")]
    public int TallyDecodedDiverged() => Expect(_target.Merge(_decodedDiverged), Videos);

    [Benchmark(Baseline = true, Description = "Akka ImmutableDictionary<string, GCounter>")]
    [BenchmarkCategory("MapMerge-NoChange")]
    public ImmutableDictionary<string, AkkaCounter> AkkaNoChange() => MergeKeyByKey(_akkaTarget, _akkaEqual);

    [Benchmark(Description = "Tally CounterMap.Merge, same order")]
    [BenchmarkCategory("MapMerge-NoChange")]
    public int TallyNoChange() => Expect(_tallyTarget.Merge(_sameOrderEqual), 0);

    [Benchmark(Description = "Tally CounterMap.Merge, decoded order")]
    [BenchmarkCategory("MapMerge-NoChange")]
    public int TallyDecodedNoChange() => Expect(_tallyTarget.Merge(_decodedEqual), 0);

    /// <summary>Fails the benchmark if the merge did not do the work it is meant to measure.</summary>
    static int Expect(int changed, int expected) =>
        changed == expected ? changed : throw new InvalidOperationException($"{changed} videos changed, expected {expected}.");

    /// <summary>How a map of Akka counters is joined: per key, <c>GCounter.Merge</c>, written back through a builder
    /// (the cheapest way to apply a million updates to an immutable dictionary).</summary>
    static ImmutableDictionary<string, AkkaCounter> MergeKeyByKey(
        ImmutableDictionary<string, AkkaCounter> into, ImmutableDictionary<string, AkkaCounter> from)
    {
        var merged = into.ToBuilder();
        foreach (var (video, theirs) in from)
        {
            merged[video] = merged.TryGetValue(video, out var mine) ? mine.Merge(theirs) : theirs;
        }
        return merged.ToImmutable();
    }

    /// <summary>One invocation per iteration, so [IterationSetup] runs before every merge; merges take
    /// milliseconds to seconds, far above timer resolution.</summary>
    sealed class OneMergePerIteration : ManualConfig
    {
        public OneMergePerIteration() => AddJob(Job.Default
            .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(10)
            .WithInvocationCount(1).WithUnrollFactor(1));
    }
}
