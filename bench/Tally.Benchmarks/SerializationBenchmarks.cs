using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tally.Crdt;
using Tally.Crdt.Serialization;

namespace Tally.Benchmarks;

/// <summary>Encoding and decoding a 100,000-video map with 5 replicas. Akka's <c>ReplicatedDataSerializer</c>
/// needs an <c>ExtendedActorSystem</c>, so the baseline is System.Text.Json (reflection-based, default options) on
/// the same data as a plain <c>Dictionary&lt;string, Dictionary&lt;string, ulong&gt;&gt;</c>: no validation, no
/// ordering, no limits, which the Tally codecs all do.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SerializationBenchmarks
{
    const int Videos = 100_000;

    CounterMap _map = null!;
    Dictionary<string, Dictionary<string, ulong>> _plain = null!;
    byte[] _binary = null!;
    string _json = null!, _plainJson = null!;

    [GlobalSetup]
    public void Setup()
    {
        var ids = BenchData.VideoIds(Videos);
        var replicas = BenchData.Replicas(5);
        _map = BenchData.TallyMap(ids, replicas, bump: -1);
        _plain = ids.Select((id, v) => (id, v)).ToDictionary(
            x => x.id,
            x => replicas.Select((r, i) => (r, i)).ToDictionary(y => y.r.Value, y => BenchData.Entry(x.v, y.i, 5, -1)));
        _binary = CrdtBinary.Encode(_map);
        _json = CrdtJson.Encode(_map);
        _plainJson = JsonSerializer.Serialize(_plain);
    }

    [Benchmark(Baseline = true, Description = "System.Text.Json Dictionary")]
    [BenchmarkCategory("Encode")]
    public string PlainEncode() => JsonSerializer.Serialize(_plain);

    [Benchmark(Description = "Tally CrdtJson.Encode")]
    [BenchmarkCategory("Encode")]
    public string JsonEncode() => CrdtJson.Encode(_map);

    [Benchmark(Description = "Tally CrdtBinary.Encode")]
    [BenchmarkCategory("Encode")]
    public byte[] BinaryEncode() => CrdtBinary.Encode(_map);

    [Benchmark(Baseline = true, Description = "System.Text.Json Dictionary")]
    [BenchmarkCategory("Decode")]
    public Dictionary<string, Dictionary<string, ulong>>? PlainDecode() =>
        JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, ulong>>>(_plainJson);

    [Benchmark(Description = "Tally CrdtJson.DecodeMap")]
    [BenchmarkCategory("Decode")]
    public CounterMap JsonDecode() => CrdtJson.DecodeMap(_json);

    [Benchmark(Description = "Tally CrdtBinary.DecodeMap")]
    [BenchmarkCategory("Decode")]
    public CounterMap BinaryDecode() => CrdtBinary.DecodeMap(_binary);
}
