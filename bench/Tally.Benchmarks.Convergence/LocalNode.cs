using System.Collections.Concurrent;
using Tally.Launcher;

namespace Tally.Benchmarks.Convergence;

/// <summary>One <c>tally node</c> process on 127.0.0.1 and a free port, started with the shared
/// <see cref="LaunchedNode"/> and killed here, never by name. Keeps the last lines it wrote, for error messages.</summary>
sealed class LocalNode(string cliPath, string id, int port, string dataDirectory) : IDisposable
{
    readonly ConcurrentQueue<string> _output = new();
    LaunchedNode? _process;

    public string Id { get; } = id;

    public string Url { get; } = $"http://127.0.0.1:{port}";

    public bool HasExited => _process is { HasExited: true };

    public string Output => string.Join('\n', _output.TakeLast(40));

    public void Start(IEnumerable<string> peers, TimeSpan gossipInterval, string clusterKey, string adminToken)
    {
        var launch = new NodeLaunch(Id, Url, dataDirectory)
        {
            Peers = [.. peers],
            GossipInterval = gossipInterval,
            Durability = "fsync",
            ClusterKey = clusterKey,
            AdminToken = adminToken,
            WorkingDirectory = dataDirectory,
        };
        _process = LaunchedNode.Start(launch, TallyLauncher.Of(cliPath), Keep);
    }

    void Keep(string line)
    {
        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>Kills the process this object started, if it still runs, and waits (bounded) for it to go.</summary>
    public void Dispose()
    {
        _process?.Kill();
        _process?.Dispose();
        _process = null;
    }
}
