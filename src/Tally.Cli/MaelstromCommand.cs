using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;
using Tally.Maelstrom;
using Tally.Replication;

namespace Tally.Cli;

/// <summary><c>tally maelstrom</c>: runs the replication core as one node of Jepsen's Maelstrom (its g-counter
/// workload), speaking Maelstrom's JSON protocol on stdin/stdout and logging to stderr. Memory only.</summary>
static class MaelstromCommand
{
    public static Command Create()
    {
        var interval = new Option<TimeSpan>("--gossip-interval")
        {
            Description = "Time between gossip rounds: 100ms (default), 1s, 00:00:00.25.",
            DefaultValueFactory = _ => TimeSpan.FromMilliseconds(100),
            CustomParser = r => NodeCommand.TryParseDuration(r.Tokens.Single().Value, out var d) && d <= TimeSpan.FromHours(1)
                ? d
                : Error<TimeSpan>(r, $"--gossip-interval: '{r.Tokens.Single().Value}' is not a duration from 1ms to 1h (e.g. 100ms)."),
        };
        var fanout = new Option<int>("--fanout") { Description = "Peers pushed to per round (1-64).", DefaultValueFactory = _ => 2 };
        fanout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 64)
            {
                r.AddError("--fanout: use 1 to 64.");
            }
        });
        var seed = new Option<int?>("--seed") { Description = "Seed of the core's peer choice (default: drawn and logged)." };
        var verbose = new Option<bool>("--verbose") { Description = "Also log debug lines (e.g. replies this node ignores)." };

        var command = new Command("maelstrom",
            "Run one node under Jepsen's Maelstrom (workload g-counter): JSON messages on stdin/stdout, logs on stderr. " +
            "State is in memory only, which Maelstrom allows because it never crashes or restarts a node; do not use this " +
            "mode for data you want to keep (use `tally node`). See the README for the `maelstrom test` command line.")
        {
            interval, fanout, seed, verbose,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new MaelstromOptions
            {
                Replication = new ReplicationOptions { GossipInterval = parse.GetValue(interval), Fanout = parse.GetValue(fanout) },
                Seed = parse.GetValue(seed),
            };
            using var loggers = LoggerFactory.Create(b => b
                .SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information)
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
            var logger = loggers.CreateLogger("tally.maelstrom");
            var node = new MaelstromNode(options, TimeProvider.System, logger);
            await using var stdin = Console.OpenStandardInput();
            await using var stdout = Console.OpenStandardOutput();
            return await new MaelstromHost(node, options, TimeProvider.System, logger).RunAsync(stdin, stdout, ct);
        });
        return command;
    }

    static T Error<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
