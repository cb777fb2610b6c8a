using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using Tally.Launcher;

namespace Tally.Node.Tests.Cluster;

/// <summary>One <c>tally node</c> process on 127.0.0.1 and a free port, started by a test (with the shared
/// <see cref="LaunchedNode"/>) and killed by it, never by name. Its data directory and port survive restarts.</summary>
sealed class NodeProcess : IAsyncDisposable
{
    public const string ClusterKey = "it-cluster-key";
    public const string AdminToken = "it-admin-token";

    internal static readonly string CliPath = typeof(NodeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TallyCli").Value!;

    readonly ConcurrentQueue<string> _output = new();
    LaunchedNode? _process;

    /// <param name="id">The node's name (<c>--id</c>).</param>
    /// <param name="dataName">The data directory's name under <paramref name="dataRoot"/> (default: the id); a second
    /// process with the same name needs its own.</param>
    public NodeProcess(string id, string dataRoot, IReadOnlyList<string> peers, TimeSpan gossipInterval, string durability = "fsync",
        string? dataName = null, string scheme = "http")
    {
        Id = id;
        Port = FreePorts.Any();
        Url = $"{scheme}://127.0.0.1:{Port}";
        DataDirectory = Path.Combine(dataRoot, dataName ?? id);
        Peers = [.. peers];
        GossipInterval = gossipInterval;
        Durability = durability;
    }

    public string Id { get; }
    public int Port { get; }
    public string Url { get; }
    public string DataDirectory { get; }
    public List<string> Peers { get; }
    public TimeSpan GossipInterval { get; }
    public string Durability { get; }

    /// <summary>More command-line arguments, e.g. <c>--tls-cert</c>.</summary>
    public List<string> Arguments { get; } = [];

    /// <summary>Extra environment, e.g. <c>TALLY_Replication__SuspectAfter</c>.</summary>
    public Dictionary<string, string> Environment { get; } = new()
    {
        ["TALLY_Replication__SuspectAfter"] = "00:00:01",
        ["TALLY_Replication__DownAfter"] = "00:00:03",
        ["TALLY_Node__SendAttemptTimeout"] = "00:00:01",
        ["TALLY_Node__SendTimeout"] = "00:00:02",
    };

    public bool IsRunning => _process is { HasExited: false };

    public int? ExitCode => _process?.ExitCode;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Output => string.Join('\n', _output.TakeLast(60));

    public void Start()
    {
        var launch = new NodeLaunch(Id, Url, DataDirectory)
        {
            Peers = Peers,
            GossipInterval = GossipInterval,
            Durability = Durability,
            ClusterKey = ClusterKey,
            AdminToken = AdminToken,
            Arguments = Arguments,
            Environment = Environment,
            WorkingDirectory = Path.GetDirectoryName(CliPath)!,
        };
        _output.Clear();
        _process?.Dispose();
        _process = LaunchedNode.Start(launch, TallyLauncher.Of(CliPath), Keep);
    }

    void Keep(string line)
    {
        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>kill -9: the process gets no chance to flush or say goodbye.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>SIGTERM (what Ctrl+C or <c>docker stop</c> sends): the node finishes its commits, writes a snapshot and exits.</summary>
    public void Terminate() => _process?.Terminate();

    /// <summary>Waits for the process to exit on its own; false on timeout.</summary>
    public Task<bool> WaitForExitAsync(TimeSpan timeout) => _process!.WaitForExitAsync(timeout);

    /// <summary>Waits until <c>/health</c> answers <paramref name="status"/>.</summary>
    public async Task WaitForHealthAsync(HttpClient client, HttpStatusCode status, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process is { ExitCode: { } code })
            {
                throw new InvalidOperationException($"Node {Id} exited with code {code}:\n{Output}");
            }
            try
            {
                using var response = await client.GetAsync($"{Url}/health", TestContext.Current.CancellationToken);
                if (response.StatusCode == status)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"Node {Id} did not answer /health {(int)status} within {timeout}:\n{Output}");
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
