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
        ("--level-timeout", "TALLY_LEVEL_TIMEOUT", "Node:LevelTimeout", "How long a write above w=1 waits for its replicas (then 504: counted here, not yet confirmed) and a read above r=1 for answers (default 5s)."),
        ("--cluster-key", "TALLY_CLUSTER_KEY", "Node:ClusterKey", "Secret shared by the cluster's nodes (bearer token of /internal routes)."),
        ("--admin-token", "TALLY_ADMIN_TOKEN", "Node:AdminToken", "Bearer token of /admin routes (leave, faults)."),
        ("--durability", "TALLY_DURABILITY", "Storage:Durability", "fsync (default: a view is acknowledged once on disk) or none (for experiments)."),
        ("--peers-dns", "TALLY_PEERS_DNS", "Discovery:PeersDns", "NAME:PORT: every address NAME resolves to is a peer, resolved again and again (a headless Service, a scaled compose service); with 0.0.0.0 and no --advertise the node advertises its host name's address."),
        ("--peers-dns-interval", "TALLY_PEERS_DNS_INTERVAL", "Discovery:Interval", "Time between two resolutions of --peers-dns (default 5s)."),
        ("--tls-cert", "TALLY_TLS_CERT", "Tls:CertificatePath", "PEM certificate for an https --listen; also presented to peers."),
        ("--tls-key", "TALLY_TLS_KEY", "Tls:KeyPath", "PEM private key of --tls-cert."),
        ("--tls-ca", "TALLY_TLS_CA", "Tls:CaPath", "PEM CA of the cluster: peers' certificates must chain to it (then any name is accepted)."),
    ];

    /// <summary>Flags: option name, environment variable (true or 1 sets it), help.</summary>
    static readonly (string Name, string Env, string Help)[] Flags =
    [
        ("--id-from-hostname", "TALLY_ID_FROM_HOSTNAME", "Node id = this machine's host name (a StatefulSet pod's tally-0, a container's id); instead of --id."),
        ("--tls-client-cert-required", "TALLY_TLS_CLIENT_CERT_REQUIRED", "Mutual TLS: peers must present a certificate from --tls-ca on node-to-node routes."),
    ];

    public static Command Create()
    {
        var options = Settings.Select(s => new Option<string>(s.Name) { Description = $"{s.Help} [env: {s.Env}]" }).ToArray();
        var command = new Command("node", "Run one Tally node: the HTTP API, durable storage and gossip with its peers.");
        var flags = Flags.Select(f => new Option<bool>(f.Name) { Description = $"{f.Help} [env: {f.Env}]" }).ToArray();
        foreach (var option in options.Concat<Option>(flags))
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, ct) =>
        {
            var values = Settings.Zip(options, (s, o) => (s, parse.GetValue(o) ?? Environment.GetEnvironmentVariable(s.Env)));
            var set = Flags.Zip(flags, (f, o) => (f.Name, parse.GetValue(o) || Environment.GetEnvironmentVariable(f.Env) is "true" or "1"))
                .Where(f => f.Item2).Select(f => f.Name).ToHashSet();
            if (!TryBuildConfiguration(values, out var configuration, out var error) || !TryAddFlags(set, configuration, out error))
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
                case "--gossip-interval" or "--peers-dns-interval" or "--level-timeout":
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

    static bool TryAddFlags(HashSet<string> flags, Dictionary<string, string?> configuration, out string error)
    {
        error = "";
        if (flags.Contains("--id-from-hostname"))
        {
            if (configuration.ContainsKey("Node:Id"))
            {
                error = "--id and --id-from-hostname exclude each other.";
                return false;
            }
            configuration["Node:Id"] = System.Net.Dns.GetHostName();
        }
        if (flags.Contains("--tls-client-cert-required"))
        {
            configuration["Tls:ClientCertificateRequired"] = "true";
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
