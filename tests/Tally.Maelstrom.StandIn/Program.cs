using System.CommandLine;
using System.Text.Json;

namespace Tally.Maelstrom.StandIn;

/// <summary><c>standin test -w g-counter --bin FILE [--node-count N --rate R --time-limit S --nemesis partition ...]
/// [-- ARGS]</c>: the options of <c>maelstrom test</c> that the g-counter workload uses. Exits 0 when valid.</summary>
static class Program
{
    static Task<int> Main(string[] args)
    {
        var workload = new Option<string>("--workload", "-w") { Description = "Only g-counter.", DefaultValueFactory = _ => "g-counter" };
        var bin = new Option<string>("--bin") { Description = "The node program.", Required = true };
        var nodeCount = new Option<int>("--node-count") { Description = "Nodes n0..n(N-1).", DefaultValueFactory = _ => 5 };
        var rate = new Option<double>("--rate") { Description = "Requests per second.", DefaultValueFactory = _ => 5 };
        var timeLimit = new Option<double>("--time-limit") { Description = "Seconds of the main phase.", DefaultValueFactory = _ => 20 };
        var nemesis = new Option<string?>("--nemesis") { Description = "partition, or nothing." };
        var nemesisInterval = new Option<double>("--nemesis-interval") { Description = "Mean seconds between nemesis operations.", DefaultValueFactory = _ => 10 };
        var latency = new Option<double>("--latency") { Description = "Mean node-to-node latency, ms.", DefaultValueFactory = _ => 0 };
        var latencyDist = new Option<LatencyDistribution>("--latency-dist") { Description = "constant, uniform or exponential.", DefaultValueFactory = _ => LatencyDistribution.Constant };
        var concurrency = new Option<int?>("--concurrency") { Description = "Client workers (default: one per node)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator, nemesis and latencies.", DefaultValueFactory = _ => Random.Shared.Next() };
        var recovery = new Option<double>("--recovery") { Description = "Seconds between the final heal and the final reads.", DefaultValueFactory = _ => 10 };
        var logDir = new Option<string?>("--log-dir") { Description = "Write each node's stderr to DIR/<node>.log." };
        var json = new Option<bool>("--json") { Description = "End with one JSON line summarizing the run." };
        var nodeArgs = new Argument<string[]>("args") { Description = "Arguments for the node program (after --).", Arity = ArgumentArity.ZeroOrMore };

        var test = new Command("test", "Run the g-counter workload against a node program, as `maelstrom test -w g-counter` does.")
        {
            workload, bin, nodeCount, rate, timeLimit, nemesis, nemesisInterval, latency, latencyDist, concurrency, seed, recovery, logDir, json, nodeArgs,
        };
        test.SetAction(async parse =>
        {
            if (parse.GetValue(workload) != "g-counter" || parse.GetValue(nemesis) is not (null or "partition") || parse.GetValue(nodeCount) is < 1 or > 64)
            {
                await Console.Error.WriteLineAsync("standin: only -w g-counter, --nemesis partition and 1-64 nodes are supported.");
                return 2;
            }
            var options = new StandInOptions
            {
                // Like Maelstrom, which runs the canonical path of --bin; a bare name (dotnet) is looked up on PATH.
                Bin = File.Exists(parse.GetValue(bin)) ? Path.GetFullPath(parse.GetValue(bin)!) : parse.GetValue(bin)!,
                Args = parse.GetValue(nodeArgs) ?? [],
                NodeCount = parse.GetValue(nodeCount),
                Rate = parse.GetValue(rate),
                TimeLimit = TimeSpan.FromSeconds(parse.GetValue(timeLimit)),
                Partitions = parse.GetValue(nemesis) == "partition",
                NemesisInterval = TimeSpan.FromSeconds(parse.GetValue(nemesisInterval)),
                LatencyMeanMs = parse.GetValue(latency),
                LatencyDistribution = parse.GetValue(latencyDist),
                Concurrency = parse.GetValue(concurrency),
                Seed = parse.GetValue(seed),
                Recovery = TimeSpan.FromSeconds(parse.GetValue(recovery)),
                LogDirectory = parse.GetValue(logDir),
            };
            var result = await new StandInRun(options, Console.Out).RunAsync();
            Console.WriteLine(result.Report());
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    valid = result.Valid,
                    seed = options.Seed,
                    addsOk = result.AddsOk,
                    addsInfo = result.AddsInfo,
                    readsOk = result.ReadsOk,
                    messages = result.All.Messages,
                    bytes = result.All.Bytes,
                    mainMessages = result.Main.Messages,
                    mainBytes = result.Main.Bytes,
                    messagesPerAdd = result.MessagesPerAdd,
                    bytesPerAdd = result.BytesPerAdd,
                    serverMessagesPerOp = result.ServerMessagesPerOp,
                }));
            }
            return result.Valid ? 0 : 1;
        });
        var root = new RootCommand("A stand-in for Jepsen's Maelstrom, g-counter workload only.") { test };
        return root.Parse(args).InvokeAsync();
    }
}
