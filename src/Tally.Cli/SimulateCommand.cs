using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Tally.Simulation;
using Tally.Simulation.Report;

namespace Tally.Cli;

/// <summary><c>tally simulate</c>: runs the real replication core in the deterministic simulator, prints rounds and
/// simulated time to convergence, messages and bytes, writes a CSV of per-node counts and an SVG plot, and exits 0
/// only when the run converged and every checker held.</summary>
static partial class SimulateCommand
{
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "Nodes at the start.", DefaultValueFactory = _ => 5 };
        var views = new Option<long>("--views") { Description = "Views sent during the active phase (all at once with --rounds 0).", DefaultValueFactory = _ => 1000 };
        var videos = new Option<int>("--videos") { Description = "Distinct videos the views go to.", DefaultValueFactory = _ => 3 };
        var loss = new Option<double>("--loss") { Description = "Probability that a message is lost (0 to 0.95).", DefaultValueFactory = _ => 0 };
        var duplication = new Option<double>("--duplication") { Description = "Probability that a message arrives twice.", DefaultValueFactory = _ => 0 };
        var reorder = new Option<double>("--reorder") { Description = "Probability that a message is held back so later ones overtake it.", DefaultValueFactory = _ => 0 };
        var latency = new Option<LatencyModel>("--latency")
        {
            Description = "Message latency: 5ms (fixed), 1-20ms (uniform), exp:5ms (exponential mean), 2ms+exp:5ms.",
            DefaultValueFactory = _ => LatencyModel.Default,
            CustomParser = r => LatencyModel.TryParse(r.Tokens.Single().Value, out var model, out var error) ? model : Error<LatencyModel>(r, error),
        };
        var partition = new Option<FaultSchedule>("--partition")
        {
            Description = "Fault schedule, entries separated by ';' with rounds counted from the start of the active phase: " +
                "isolate:n2@5-15, cut:n1,n2|n3,n4@5-15 (split), oneway:n1>n2@5-15, drop:n1>n2:0.3@5-15, crash:n2@5-9, lose:n2@5-9 (blank disk), join@7, leave:n3@6.",
            DefaultValueFactory = _ => FaultSchedule.Empty,
            CustomParser = r => FaultSchedule.TryParse(r.Tokens.Single().Value, out var schedule, out var error) ? schedule : Error<FaultSchedule>(r, error),
        };
        var crash = new Option<double>("--crash") { Description = "Probability per node per round of a crash (memory lost, disk kept) in the active phase.", DefaultValueFactory = _ => 0 };
        var diskLoss = new Option<double>("--disk-loss") { Description = "Fraction of crashes that also lose the disk (only when no acknowledged view can be lost).", DefaultValueFactory = _ => 0 };
        var joins = new Option<int>("--joins") { Description = "Nodes joining at random times in the active phase.", DefaultValueFactory = _ => 0 };
        var raises = new Option<int>("--raises") { Description = "Operator set_to raises at random times in the active phase, each to the edge of the number domain (10^15).", DefaultValueFactory = _ => 0 };
        var levelWrites = new Option<double>("--level-writes") { Description = "Share of the views sent at w=2, majority or all (drawn per view); each confirmed majority write is followed by a majority read, checked to include it.", DefaultValueFactory = _ => 0 };
        var leaves = new Option<int>("--leaves") { Description = "Nodes leaving gracefully at random times in the active phase.", DefaultValueFactory = _ => 0 };
        var fanout = new Option<int>("--fanout") { Description = "Peers each node pushes to per round.", DefaultValueFactory = _ => 1 };
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "Gossip interval in simulated time, e.g. 1s or 100ms.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(1),
            CustomParser = r => LatencyModel.TryDuration(r.Tokens.Single().Value, out var d) && d > TimeSpan.Zero ? d : Error<TimeSpan>(r, $"Invalid interval '{r.Tokens.Single().Value}': use e.g. 1s or 100ms."),
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the run; the same seed gives the same run.", DefaultValueFactory = _ => 1 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of load and faults before everything heals (0: one burst of views).", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int?>("--warmup") { Description = "Rounds before the load starts (default: 0 up to 16 nodes, else 2 log2 N + 10)." };
        var maxRounds = new Option<int>("--max-rounds") { Description = "Rounds after the heal within which the cluster must converge.", DefaultValueFactory = _ => 100 };
        var wire = new Option<WireMode>("--wire") { Description = "off: pass objects; size: encode each message to count bytes; full: encode, decode and deliver the decoded copy.", DefaultValueFactory = _ => WireMode.Size };
        var csv = new Option<string>("--csv") { Description = "Where to write per-node counts over time.", DefaultValueFactory = _ => "simulation.csv" };
        var svg = new Option<string>("--svg") { Description = "Where to write the convergence plot.", DefaultValueFactory = _ => "simulation.svg" };
        var noFiles = new Option<bool>("--no-files") { Description = "Write neither the CSV nor the plot (and sample nothing)." };
        var trace = new Option<string?>("--trace") { Description = "Write every delivered message and event to this file." };
        var json = new Option<bool>("--json") { Description = "End the output with one JSON line summarizing the run." };
        var swarm = new Option<bool>("--swarm") { Description = "Let the seed draw the cluster, load, network and faults (as the swarm tests do); other run options are ignored." };
        var deltaBytes = new Option<int?>("--delta-bytes") { Description = "Measure instead: 2 nodes with --videos videos in sync, then this many videos change; print the bytes per round of delta gossip against shipping the whole state." };
        var coreBaseline = new Option<bool>("--core-baseline") { Description = "Measure instead: the same --nodes nodes for --rounds rounds exchanging messages through a plain queue, without the simulator (the throughput baseline)." };
        var bulkLoad = new Option<int?>("--bulk-load") { Description = "Measure instead: 2 nodes; --videos distinct new videos arrive at n1 in batches of this many at --rate videos per simulated second; print how far n2 fell behind, how often each video was sent and the gossip bytes against the entries' own encoding." };
        var rate = new Option<int>("--rate") { Description = "With --bulk-load: new videos per simulated second.", DefaultValueFactory = _ => 100_000 };
        var runs = new Option<int>("--runs") { Description = "With --swarm: run this many seeds from --seed on and report the failures.", DefaultValueFactory = _ => 1 };

        var command = new Command("simulate", "Run the replication core in the deterministic simulator with fault injection.")
        {
            nodes, views, videos, loss, duplication, reorder, latency, partition, crash, diskLoss, joins, leaves, raises, levelWrites,
            fanout, interval, seed, rounds, warmup, maxRounds, wire, csv, svg, noFiles, trace, json, swarm, runs, deltaBytes, coreBaseline, bulkLoad, rate,
        };
        command.SetAction(parse =>
        {
            var options = new SimulationOptions
            {
                Seed = parse.GetValue(seed),
                Nodes = parse.GetValue(nodes),
                Views = parse.GetValue(views),
                Videos = parse.GetValue(videos),
                Loss = parse.GetValue(loss),
                Duplication = parse.GetValue(duplication),
                Reorder = parse.GetValue(reorder),
                Latency = parse.GetValue(latency)!,
                Schedule = parse.GetValue(partition)!,
                CrashRate = parse.GetValue(crash),
                DiskLossRate = parse.GetValue(diskLoss),
                Joins = parse.GetValue(joins),
                Leaves = parse.GetValue(leaves),
                Raises = parse.GetValue(raises),
                LevelWrites = parse.GetValue(levelWrites),
                Fanout = parse.GetValue(fanout),
                Interval = parse.GetValue(interval),
                Rounds = parse.GetValue(rounds),
                WarmupRounds = parse.GetValue(warmup),
                ConvergeRoundsMax = parse.GetValue(maxRounds),
                Wire = parse.GetValue(wire),
                Sample = !parse.GetValue(noFiles),
            };
            var files = !parse.GetValue(noFiles);
            if (parse.GetValue(coreBaseline))
            {
                return MeasureCoreBaseline(options);
            }
            if (parse.GetValue(bulkLoad) is { } batch)
            {
                return MeasureBulkLoad(options.Videos, batch, parse.GetValue(rate), options.Seed);
            }
            if (parse.GetValue(deltaBytes) is { } changed)
            {
                return MeasureDeltaBytes(options.Videos, changed, options.Seed);
            }
            if (parse.GetValue(swarm))
            {
                if (parse.GetValue(runs) > 1)
                {
                    return RunSwarm(options.Seed, parse.GetValue(runs));
                }
                var drawn = Swarm.Draw(options.Seed);
                drawn.Sample = files;
                drawn.Wire = options.Wire;
                options = drawn;
            }
            return Run(options, files ? parse.GetValue(csv) : null, files ? parse.GetValue(svg) : null, parse.GetValue(trace), parse.GetValue(json));
        });
        return command;
    }

    static T Error<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

    static int Run(SimulationOptions options, string? csv, string? svg, string? tracePath, bool json)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                Console.Error.WriteLine(error);
            }
            return 2;
        }
        var warmup = options.EffectiveWarmupRounds;
        Console.WriteLine(Invariant($"Simulating {options.Nodes} nodes, {options.Videos} videos, {options.Views} views over {options.Rounds} rounds (warm-up {warmup}), fanout {options.Fanout}, interval {options.Interval.TotalMilliseconds} ms"));
        Console.WriteLine(Invariant($"Network: latency {options.Latency}, loss {options.Loss}, duplication {options.Duplication}, reorder {options.Reorder}; crash rate {options.CrashRate}; seed {options.Seed}"));
        if (options.Schedule.Faults.Count > 0)
        {
            Console.WriteLine($"Faults: {options.Schedule}");
        }
        SimulationResult result;
        var cpu = Environment.CpuUsage.TotalTime;
        using (var trace = string.IsNullOrEmpty(tracePath) ? null : new StreamWriter(tracePath))
        {
            result = Simulator.Run(options, trace);
        }
        cpu = Environment.CpuUsage.TotalTime - cpu;
        var s = result.Stats;
        Console.WriteLine(result.Passed
            ? Invariant($"Converged {result.Rounds} rounds ({result.SimulatedMs:F1} ms simulated) after the heal; every checker held.")
            : $"FAILED: {result.Describe()}");
        Console.WriteLine(Invariant($"Acknowledged views: {result.Acknowledged} (refused {s.ViewsRefused}; destroyed with lost disks, no copy left anywhere {result.Destroyed}; raises {s.RaisesAccepted} taken, {s.RaisesRefused} refused); final counts min {result.FinalMin}, max {result.FinalMax}"));
        if (s.LevelWrites > 0 || s.MajorityReads > 0)
        {
            Console.WriteLine(Invariant($"Levels: {s.LevelWritesConfirmed} writes above w=1 confirmed, {s.LevelWritesUnconfirmed} unconfirmed (counted, not confirmed in time); {s.MajorityReadsAnswered} majority reads checked, {s.MajorityReadsTimedOut} short of a majority"));
        }
        Console.WriteLine(Invariant($"Messages: {result.Messages} sent, {result.Delivered} delivered, {result.Bytes} bytes ({(result.Messages > 0 ? result.Bytes / (double)result.Messages : 0):F0} per message)"));
        Console.WriteLine(Invariant($"Faults: {s.Crashes} crashes, {s.DiskLosses} disk losses, {s.Twins} twins (a second process with a running node's name), {s.Joins} joins, {s.Leaves} leaves"));
        Console.WriteLine(Invariant($"Simulated {result.TotalSimulatedMs / 1000:F1} s in {result.WallTime.TotalSeconds:F2} s wall ({cpu.TotalSeconds:F2} s CPU): {result.Events} events, {result.DeliveredPerSecond:F0} messages delivered per wall-clock second, {result.Delivered / Math.Max(cpu.TotalSeconds, 1e-9):F0} per CPU second (wire {options.Wire}); trace {result.TraceHash:x16}"));
        Console.WriteLine(Invariant($"GC: {GC.CollectionCount(0)} gen0, {GC.CollectionCount(1)} gen1, {GC.CollectionCount(2)} gen2 collections, {GC.GetTotalPauseDuration().TotalSeconds:F2} s paused, {GC.GetTotalAllocatedBytes() / 1e6:F0} MB allocated"));
        var healMs = (warmup + options.Rounds) * options.Interval.TotalMilliseconds;
        if (!string.IsNullOrEmpty(csv))
        {
            CsvWriter.Write(csv, result.Series, options.Interval);
            Console.WriteLine($"Wrote {csv}");
        }
        if (!string.IsNullOrEmpty(svg))
        {
            var title = Invariant($"{options.Nodes} nodes, fanout {options.Fanout}, loss {options.Loss}, seed {options.Seed}: ") +
                (result.Passed ? Invariant($"converged {result.Rounds} rounds after the heal") : "did not converge");
            File.WriteAllText(svg, SvgPlot.Render(result.Series, title, healMs, result.Passed ? healMs + result.SimulatedMs : null));
            Console.WriteLine($"Wrote {svg}");
        }
        if (!result.Passed)
        {
            Console.Error.WriteLine(result.Rerun);
        }
        if (json)
        {
            Console.WriteLine(JsonSummary.Write(result));
        }
        return result.Passed ? 0 : 1;
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
