using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Tally.Node;
using Tally.Storage;

namespace Tally.Cli;

/// <summary><c>tally node</c>: runs one node. Every option can also come from a <c>TALLY_*</c> environment variable
/// (the option's name in capitals, dashes as underscores) or from <c>appsettings.json</c> in the working directory
/// (sections Node, Replication, Storage); the command line wins, then the variables, then the file.</summary>
static partial class NodeCommand
{
    /// <summary>Option name, environment variable, configuration key, help.</summary>
    static readonly (string Name, string Env, string Key, string Help)[] Settings =
    [
        ("--id", "TALLY_ID", "Node:Id", "Node name (1-64 of [A-Za-z0-9._-]), for people; its entries are keyed by a replica id made with its data directory."),
        ("--cluster-id", "TALLY_CLUSTER_ID", "Node:ClusterId", "Cluster id (optional): a node without peers makes one, a node with peers adopts its cluster's; give it when every node lists peers."),
        ("--listen", "TALLY_LISTEN", "Node:Listen", "URL to listen on, e.g. http://127.0.0.1:8001; the node binds there only."),
        ("--advertise", "TALLY_ADVERTISE", "Node:Advertise", "URL peers reach this node at (default: --listen); needed with 0.0.0.0 or in containers."),
        ("--data", "TALLY_DATA", "Storage:DataDirectory", "Data directory (log, snapshots, incarnation, replica and cluster ids); an empty one is a new replica."),
        ("--peers", "TALLY_PEERS", "Node:Peers", "Comma-separated peer URLs to join through, e.g. http://node2:8001,http://node3:8001."),
        ("--gossip-interval", "TALLY_GOSSIP_INTERVAL", "Replication:GossipInterval", "Time between gossip rounds: 1s (default), 200ms, 00:00:00.5."),
        ("--fanout", "TALLY_FANOUT", "Replication:Fanout", "Peers contacted per round (default 2)."),
        ("--cluster-key", "TALLY_CLUSTER_KEY", "Node:ClusterKey", "Secret shared by the cluster's nodes (bearer token of /internal routes)."),
        ("--admin-token", "TALLY_ADMIN_TOKEN", "Node:AdminToken", "Bearer token of /admin routes (leave, faults)."),
        ("--durability", "TALLY_DURABILITY", "Storage:Durability", "fsync (default: a view is acknowledged once on disk) or none (for experiments)."),
    ];

    public static Command Create()
    {
        var options = Settings.Select(s => new Option<string>(s.Name) { Description = $"{s.Help} [env: {s.Env}]" }).ToArray();
        var command = new Command("node", "Run one Tally node: the HTTP API, durable storage and gossip with its peers.");
        foreach (var option in options)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, ct) =>
        {
            var values = Settings.Zip(options, (s, o) => (s, parse.GetValue(o) ?? Environment.GetEnvironmentVariable(s.Env)));
            if (!TryBuildConfiguration(values, out var configuration, out var error))
            {
                await Console.Error.WriteLineAsync($"tally node: {error}").ConfigureAwait(false);
                return 2;
            }
            return await RunAsync(configuration, ct).ConfigureAwait(false);
        });
        return command;
    }

    static bool TryBuildConfiguration(IEnumerable<((string Name, string Env, string Key, string Help) Setting, string? Value)> values,
        out Dictionary<string, string?> configuration, out string error)
    {
        configuration = [];
        error = "";
        foreach (var (setting, value) in values)
        {
            if (value is null)
            {
                continue;
            }
            switch (setting.Name)
            {
                case "--peers":
                    var peers = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    for (var i = 0; i < peers.Length; i++)
                    {
                        configuration[$"{setting.Key}:{i}"] = peers[i];
                    }
                    break;
                case "--gossip-interval":
                    if (!TryParseDuration(value, out var interval))
                    {
                        error = $"{setting.Name} '{value}' is not a duration: use e.g. 1s, 200ms or 00:00:00.5.";
                        return false;
                    }
                    configuration[setting.Key] = interval.ToString("c", CultureInfo.InvariantCulture);
                    break;
                case "--durability" when !value.Equals("fsync", StringComparison.OrdinalIgnoreCase) && !value.Equals("none", StringComparison.OrdinalIgnoreCase):
                    error = $"{setting.Name} '{value}' must be fsync or none.";
                    return false;
                default:
                    configuration[setting.Key] = value;
                    break;
            }
        }
        return true;
    }

    /// <summary>Durations as people write them: <c>250ms</c>, <c>1s</c>, <c>2m</c>, or a TimeSpan such as <c>00:00:01</c>.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        text = text.Trim();
        (string Suffix, double Scale)[] units = [("ms", 1), ("s", 1000), ("m", 60_000)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) &&
                double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) &&
                value > 0 && value * scale < TimeSpan.MaxValue.TotalMilliseconds)
            {
                duration = TimeSpan.FromMilliseconds(value * scale);
                return true;
            }
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
    }

    static async Task<int> RunAsync(Dictionary<string, string?> configuration, CancellationToken ct)
    {
        try
        {
            var builder = NodeApp.CreateBuilder(configuration);
            builder.Services.AddFileStorage();
            await using var app = NodeApp.Build(builder);
            using var stop = ct.Register(app.Lifetime.StopApplication);
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is OptionsValidationException ||
                                   e is AggregateException all && all.InnerExceptions.All(i => i is OptionsValidationException))
        {
            var failures = (e is AggregateException many ? many.InnerExceptions : [e]).Cast<OptionsValidationException>()
                .SelectMany(v => v.Failures)
                .Select(f => DataAnnotationError().Match(f) is { Success: true } m ? m.Groups[1].Value : f);
            await Console.Error.WriteLineAsync("tally node: invalid configuration:\n  - " + string.Join("\n  - ", failures)).ConfigureAwait(false);
            return 2;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"tally node: invalid configuration: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception e) when (e is DataDirectoryLockedException or StorageCorruptException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"tally node: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"tally node: cannot listen: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The message inside a DataAnnotations failure ("... with the error: 'message'.").</summary>
    [GeneratedRegex("with the error: '(.*)'\\.?$")]
    private static partial Regex DataAnnotationError();
}
