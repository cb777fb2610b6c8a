using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Tally.Dashboard;
using Tally.Dashboard.Supervision;
using Tally.Launcher;
using Tally.Replication;

namespace Tally.Cli;

/// <summary><c>tally up</c>: a local cluster of <c>tally node</c> processes plus the dashboard, the README's first
/// command. The data root keeps each node's data, the generated secrets and the node list, so a second <c>tally up</c>
/// on it resumes the same cluster (nodes added from the dashboard included) with the same counts. One <c>tally up</c>
/// per data root at a time (a lock file). Ctrl+C or SIGTERM stops every child gracefully and exits 0.</summary>
static class UpCommand
{
    /// <summary>How long the banner waits for the nodes to answer before it is printed anyway.</summary>
    static readonly TimeSpan NodesUpTimeout = TimeSpan.FromSeconds(120);

    public static Command Create()
    {
        var nodes = CommonOptions.WholeNumber("--nodes",
            "Number of nodes to start (n1..nN); nodes added from the dashboard in an earlier run start too.", 5, 1, 64);
        var basePort = CommonOptions.WholeNumber("--base-port", "Port of n1; node k listens on base-port + k - 1, on 127.0.0.1.", 8001, 1, 65535);
        var data = new Option<string>("--data")
        {
            Description = "Data root: one directory per node, logs/, nodes.json, and cluster.json with the cluster key and admin token.",
            DefaultValueFactory = _ => "./tally-data",
        };
        var gossipInterval = new Option<TimeSpan?>("--gossip-interval")
        {
            Description = "Passed to every node's --gossip-interval, e.g. 200ms or 1s (default: the node's, 1 s).",
            CustomParser = r => ParseGossipInterval(r),
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

    /// <summary>The node's own duration syntax and range (<see cref="ReplicationOptions.GossipInterval"/>), checked
    /// before anything starts rather than by every node at once.</summary>
    static TimeSpan? ParseGossipInterval(System.CommandLine.Parsing.ArgumentResult r)
    {
        var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Join(' ', r.Tokens.Select(t => t.Value));
        if (!NodeCommand.TryParseDuration(text, out var interval))
        {
            r.AddError($"--gossip-interval: '{text}' is not a duration: use e.g. 1s, 200ms or 00:00:00.5.");
            return null;
        }
        var results = new List<ValidationResult>();
        var context = new ValidationContext(new ReplicationOptions()) { MemberName = nameof(ReplicationOptions.GossipInterval) };
        if (!Validator.TryValidateProperty(interval, context, results))
        {
            r.AddError($"--gossip-interval: '{text}': {string.Join(' ', results.Select(v => v.ErrorMessage))}");
            return null;
        }
        return interval;
    }

    static async Task<int> RunAsync(int count, int basePort, string data, TimeSpan? gossipInterval, string host, int port, TextWriter output, CancellationToken ct)
    {
        var root = Path.GetFullPath(data);
        DataRootLock? held;
        try
        {
            held = DataRootLock.TryAcquire(root, out var holder);
            if (held is null)
            {
                await Console.Error.WriteLineAsync(
                    $"tally up: the data root {root} is in use by another tally up{(holder is { } pid ? $" (pid {pid})" : "")}. " +
                    "Stop that one, or give this one its own --data.");
                return 2;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"tally up: cannot use data root {root}: {e.Message}");
            return 1;
        }
        using var dataLock = held;

        NodeList saved;
        ClusterSecrets secrets;
        try
        {
            saved = NodeList.Load(root);
            secrets = ClusterSecrets.LoadOrCreate(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
        {
            await Console.Error.WriteLineAsync($"tally up: cannot use data root {root}: {e.Message}");
            return 1;
        }
        var highest = saved.Nodes.Select(n => NodeList.IndexOf(n.Id)!.Value).Append(count).Max();
        var ports = Enumerable.Range(basePort, highest).ToList();
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
        var busy = ports.Where(p => !FreePorts.IsFree(p)).ToList();
        if (busy.Count > 0)
        {
            await Console.Error.WriteLineAsync(
                $"tally up: port(s) {string.Join(", ", busy)} on 127.0.0.1 are in use (another tally up?). Stop it or choose --base-port.");
            return 1;
        }

        string[] extra = gossipInterval is { } gi ? ["--gossip-interval", gi.ToString("c", CultureInfo.InvariantCulture)] : [];
        var options = new LocalClusterOptions(root, "127.0.0.1", basePort, count, secrets, extra, TimeSpan.FromSeconds(10));

        // Node output goes to logs/nK.log; on the console only warnings (a node that dies), so the banner stays whole.
        using var logging = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o =>
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
            var skipped = cluster.Start();
            await output.WriteLineAsync($"Tally: starting {cluster.Nodes.Count} node(s) and the dashboard; node logs in {cluster.LogDirectory}");
            foreach (var id in skipped)
            {
                await output.WriteLineAsync($"  {id} left the cluster in an earlier run and is not started (restart it from the dashboard).");
            }
            var settings = new DashboardSettings(host, port, [.. cluster.Nodes.Select(n => n.Url)], secrets.AdminToken, cluster);
            var code = await CommonOptions.RunDashboardAsync(settings, output, ct, async started =>
            {
                var waiting = await WaitForNodesAsync(cluster, started);
                await output.WriteLineAsync($"Tally: {cluster.Nodes.Count} node(s), data in {root} (secrets in {ClusterSecrets.FileName})");
                foreach (var n in cluster.Nodes)
                {
                    var note = waiting.Contains(n.Id) ? "  (not answering yet: see its log)" : "";
                    await output.WriteLineAsync($"  {n.Id,-4} {n.Url}  data {n.DataDirectory}{note}");
                }
            });
            await output.WriteLineAsync("Stopping the nodes...");
            await cluster.StopAsync();
            await output.WriteLineAsync("Stopped.");
            return code;
        }
    }

    /// <summary>Waits until every running node answers <c>/alive</c>, up to <see cref="NodesUpTimeout"/>; returns
    /// the ids of the running nodes that still do not.</summary>
    static async Task<HashSet<string>> WaitForNodesAsync(LocalCluster cluster, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + NodesUpTimeout;
        var waiting = cluster.Nodes.Where(n => n.State == NodeProcessState.Running).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        while (waiting.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var n in cluster.Nodes.Where(n => waiting.Contains(n.Id)))
            {
                if (n.State != NodeProcessState.Running || await AnswersAsync(http, n.Url + "/alive", ct))
                {
                    waiting.Remove(n.Id);
                }
            }
            if (waiting.Count > 0)
            {
                await Task.Delay(200, ct);
            }
        }
        return waiting;
    }

    static async Task<bool> AnswersAsync(HttpClient http, string url, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }
}
