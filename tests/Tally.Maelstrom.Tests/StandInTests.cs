using System.Reflection;
using Tally.Maelstrom.StandIn;

namespace Tally.Maelstrom.Tests;

/// <summary>The stand-in against real node processes: `tally maelstrom` must pass the g-counter workload under
/// partitions, a correct naive node must pass too, and deliberately broken nodes must fail. Each run is seeded
/// (TALLY_MAELSTROM_SEED overrides) and a failure prints the report with its seed.</summary>
public sealed class StandInTests(ITestOutputHelper output)
{
    static string Metadata(string key) => typeof(StandInTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;

    static readonly string TallyCli = Metadata("TallyCli");
    static readonly string NaiveNode = Metadata("NaiveNode");

    static int Seed(int fallback) => int.TryParse(Environment.GetEnvironmentVariable("TALLY_MAELSTROM_SEED"), out var s) ? s : fallback;

    async Task<RunResult> RunAsync(StandInOptions options)
    {
        foreach (var path in new[] { TallyCli, NaiveNode })
        {
            Assert.True(File.Exists(path), $"Build the node programs first: {path} is missing.");
        }
        var log = new StringWriter();
        var result = await new StandInRun(options, log).RunAsync();
        output.WriteLine(result.Report());
        output.WriteLine($"In these tests: TALLY_MAELSTROM_SEED={options.Seed} dotnet test tests/Tally.Maelstrom.Tests");
        return result;
    }

    static StandInOptions Tally(int seed, int nodes, double seconds, double rate) => new()
    {
        Bin = "dotnet",
        Args = [TallyCli, "maelstrom"],
        NodeCount = nodes,
        Rate = rate,
        TimeLimit = TimeSpan.FromSeconds(seconds),
        Partitions = true,
        NemesisInterval = TimeSpan.FromSeconds(2),
        LatencyMeanMs = 10,
        LatencyDistribution = LatencyDistribution.Exponential,
        Seed = Seed(seed),
        // Maelstrom's own bounds are 10 s for init and 5 s for an RPC; a loaded 2-core machine can take longer to
        // start five runtimes or to schedule a final read, which is not what these tests are about.
        InitTimeout = TimeSpan.FromSeconds(90),
        FinalReadTimeout = TimeSpan.FromSeconds(60),
    };

    static StandInOptions Naive(int seed, params string[] args) => Tally(seed, 3, 5, 50) with
    {
        Args = [NaiveNode, .. args],
        Recovery = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public async Task TallyCluster_PartitionsFor20sAtRate100_PassesTheGCounterChecker()
    {
        var result = await RunAsync(Tally(seed: 20261130, nodes: 5, seconds: 20, rate: 100));
        Assert.True(result.Valid, result.Report());
        Assert.True(result.AddsOk > 300, $"the workload must have run (~667 adds expected): {result.Report()}");
        Assert.True(result.Events.Count(e => e.Contains("start-partition ")) >= 2, $"the nemesis must have partitioned: {result.Report()}");
        Assert.True(result.All.DroppedByPartition > 0, "partitions must have dropped messages");
    }

    [Fact]
    public async Task NaiveCluster_Partitions_PassesTheGCounterChecker()
    {
        var result = await RunAsync(Naive(7));
        Assert.True(result.Valid, result.Report());
    }

    [Fact]
    public async Task SumOnMergeCluster_Partitions_FailsTheGCounterChecker()
    {
        var result = await RunAsync(Naive(7, "--merge", "sum"));
        Assert.False(result.Valid, "a node that sums on merge over-counts");
        Assert.False(result.Check.MaelstromValid, $"Maelstrom's own checker must reject its final reads: {result.Report()}");
        Assert.Contains($"Seed={result.Options.Seed}; rerun with --seed {result.Options.Seed}", result.Report());
    }

    [Fact]
    public async Task ForgetfulCluster_Partitions_FailsTheGCounterChecker()
    {
        var result = await RunAsync(Naive(7, "--drop-every", "10"));
        Assert.False(result.Check.MaelstromValid, $"a node that acknowledges adds it does not count must fail: {result.Report()}");
    }
}
