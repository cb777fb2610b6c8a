using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tally.Dashboard;
using Tally.Dashboard.Supervision;

namespace Tally.Cli;

/// <summary><c>tally up</c>: a local cluster of <c>tally node</c> processes plus the dashboard, the README's first
/// command. The data root keeps each node's data and the generated secrets, so a second <c>tally up</c> on it resumes
/// the same cluster with the same counts. Ctrl+C stops every child gracefully.</summary>
static class UpCommand
{
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes")
        {
            Description = "Number of nodes to start (n1..nN).",
            DefaultValueFactory = _ => 5,
            Validators = { r => { if (r.GetValueOrDefault<int>() is < 1 or > 64) { r.AddError("--nodes: give 1 to 64."); } } },
        };
        var basePort = new Option<int>("--base-port")
        {
            Description = "Port of n1; node k listens on base-port + k - 1, on 127.0.0.1.",
            DefaultValueFactory = _ => 8001,
            Validators = { r => CommonOptions.CheckPort(r, "--base-port") },
        };
        var data = new Option<string>("--data")
        {
            Description = "Data root: one directory per node, logs/, and cluster.json with the cluster key and admin token.",
            DefaultValueFactory = _ => "./tally-data",
        };
        var gossipInterval = new Option<string?>("--gossip-interval")
        {
            Description = "Passed to every node's --gossip-interval (default: the node's, 1 s).",
        };
        var host = CommonOptions.Host();
        var port = CommonOptions.Port();
        var command = new Command("up", "Start a local cluster of nodes and the dashboard on http://localhost:8000.")
        {
            nodes, basePort, data, gossipInterval, host, port,
        };
        command.SetAction((r, ct) => RunAsync(
            r.GetValue(nodes), r.GetValue(basePort), r.GetValue(data)!, r.GetValue(gossipInterval), r.GetValue(host)!, r.GetValue(port),
            r.InvocationConfiguration.Output, ct));
        return command;
    }

    static async Task<int> RunAsync(int count, int basePort, string data, string? gossipInterval, string host, int port, TextWriter output, CancellationToken ct)
    {
        var ports = Enumerable.Range(basePort, count).ToList();
        if (ports[^1] > 65535)
        {
            await Console.Error.WriteLineAsync($"tally up: ports {basePort}..{ports[^1]} run past 65535; lower --base-port.");
            return 1;
        }
        if (ports.Contains(port))
        {
            await Console.Error.WriteLineAsync($"tally up: the dashboard port {port} is one of the node ports {basePort}..{ports[^1]}.");
            return 1;
        }
        var busy = ports.Where(p => !IsFree(p)).ToList();
        if (busy.Count > 0)
        {
            await Console.Error.WriteLineAsync(
                $"tally up: port(s) {string.Join(", ", busy)} on 127.0.0.1 are in use (another tally up?). Stop it or choose --base-port.");
            return 1;
        }

        var root = Path.GetFullPath(data);
        ClusterSecrets secrets;
        try
        {
            secrets = ClusterSecrets.LoadOrCreate(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
        {
            await Console.Error.WriteLineAsync($"tally up: cannot use data root {root}: {e.Message}");
            return 1;
        }
        string[] extra = gossipInterval is null ? [] : ["--gossip-interval", gossipInterval];
        var options = new LocalClusterOptions(root, "127.0.0.1", basePort, count, secrets, extra, TimeSpan.FromSeconds(10));

        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        }));
        var cluster = new LocalCluster(options, TallyLauncher.Current(), logging.CreateLogger<LocalCluster>());
        await using (cluster)
        {
            // Ctrl+C reaches the nodes too (same process group): mark them as stopping at once, so their exits are
            // not reported as crashes.
            using var stopping = ct.Register(() => _ = cluster.StopAsync());
            cluster.Start();
            await output.WriteLineAsync($"Tally: {count} node(s), data in {root} (secrets in {ClusterSecrets.FileName}, node logs in {cluster.LogDirectory})");
            foreach (var n in cluster.Nodes)
            {
                await output.WriteLineAsync($"  {n.Id,-4} {n.Url}  data {n.DataDirectory}");
            }
            var settings = new DashboardSettings(host, port, [.. cluster.Nodes.Select(n => n.Url)], secrets.AdminToken, cluster);
            var code = await CommonOptions.RunDashboardAsync(settings, output, ct);
            await output.WriteLineAsync("Stopping the nodes...");
            await cluster.StopAsync();
            await output.WriteLineAsync("Stopped.");
            return code;
        }
    }

    static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
