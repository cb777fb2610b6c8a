using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Tally.Dashboard.Supervision;

/// <summary>The process supervisor of <c>tally up</c>: starts one <c>tally node</c> process per node, reports (never
/// hides) a node that dies, and stops every child on shutdown, also when the process exits without disposing it.</summary>
public sealed partial class LocalCluster : INodeSupervisor, IAsyncDisposable
{
    readonly LocalClusterOptions _options;
    readonly TallyLauncher _launcher;
    readonly ILogger<LocalCluster> _logger;
    readonly Lock _lock = new();
    readonly List<NodeProcess> _nodes = [];
    Task? _stopping;

    public LocalCluster(LocalClusterOptions options, TallyLauncher launcher, ILogger<LocalCluster> logger)
    {
        _options = options;
        _launcher = launcher;
        _logger = logger;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public string LogDirectory => Path.Combine(_options.DataRoot, "logs");

    public IReadOnlyList<SupervisedNode> Nodes
    {
        get
        {
            lock (_lock)
            {
                return [.. _nodes.Select(n => n.Snapshot())];
            }
        }
    }

    /// <summary>Starts nodes <c>n1..nN</c>, each with every other as a peer.</summary>
    public void Start()
    {
        Directory.CreateDirectory(LogDirectory);
        var urls = Enumerable.Range(0, _options.NodeCount).Select(UrlOf).ToList();
        lock (_lock)
        {
            for (var i = 0; i < _options.NodeCount; i++)
            {
                var peers = urls.Where((_, j) => j != i).ToList();
                StartNew(i + 1, peers);
            }
        }
    }

    public SupervisedNode Add()
    {
        lock (_lock)
        {
            ThrowIfStopping();
            var through = _nodes.FirstOrDefault(n => n.IsRunning)
                ?? throw new SupervisorException("No node is running to join through; restart one first.");
            var index = _nodes.Count + 1;
            return StartNew(index, [through.Url]).Snapshot();
        }
    }

    public SupervisedNode Crash(string nodeId)
    {
        var node = Find(nodeId);
        node.Crash();
        LogCrashed(node.Id);
        return node.Snapshot();
    }

    public SupervisedNode Restart(string nodeId)
    {
        lock (_lock)
        {
            ThrowIfStopping();
        }
        var node = Find(nodeId);
        node.Start(_launcher);
        var started = node.Snapshot();
        LogStarted(started.Id, started.Url, started.ProcessId ?? 0);
        return started;
    }

    public void MarkLeaving(string nodeId) => Find(nodeId).MarkLeaving();

    /// <summary>Stops every running node gracefully, killing those that outlive the stop timeout. Idempotent.</summary>
    public Task StopAsync()
    {
        lock (_lock)
        {
            return _stopping ??= StopAllAsync([.. _nodes]);
        }
    }

    async Task StopAllAsync(List<NodeProcess> nodes)
    {
        await Task.WhenAll(nodes.Select(n => n.StopAsync(_options.StopTimeout))).ConfigureAwait(false);
        foreach (var n in nodes)
        {
            n.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
    }

    // Runs when the process ends without DisposeAsync (e.g. the command line's termination timeout ran out): no child
    // may outlive tally up.
    void OnProcessExit(object? sender, EventArgs e) => StopAsync().GetAwaiter().GetResult();

    NodeProcess StartNew(int index, List<string> peers)
    {
        var id = "n" + index.ToString(CultureInfo.InvariantCulture);
        var url = UrlOf(index - 1);
        var data = Path.GetFullPath(Path.Combine(_options.DataRoot, id));
        List<string> args = ["node", "--id", id, "--listen", url, "--data", data];
        if (peers.Count > 0)
        {
            args.AddRange(["--peers", string.Join(',', peers)]);
        }
        args.AddRange(_options.ExtraNodeArguments);
        // Secrets go through the environment (tally node reads TALLY_*), not the command line that ps shows.
        var environment = new Dictionary<string, string>
        {
            ["TALLY_CLUSTER_KEY"] = _options.Secrets.ClusterKey,
            ["TALLY_ADMIN_TOKEN"] = _options.Secrets.AdminToken,
            ["TALLY_CLUSTER_ID"] = _options.Secrets.ClusterId ?? "",
        };
        var node = new NodeProcess(id, url, data, args, environment, Path.Combine(LogDirectory, id + ".log"));
        node.Exited += OnNodeExited;
        _nodes.Add(node);
        node.Start(_launcher);
        var pid = node.Snapshot().ProcessId ?? 0;
        LogStarted(id, url, pid);
        return node;
    }

    void OnNodeExited(NodeProcess node, NodeProcessState state, int code)
    {
        switch (state)
        {
            case NodeProcessState.Exited:
                var log = Path.Combine(LogDirectory, node.Id + ".log");
                LogExitedUnexpectedly(node.Id, code, log);
                break;
            case NodeProcessState.Left:
                LogLeft(node.Id);
                break;
            default:
                break;
        }
    }

    NodeProcess Find(string nodeId)
    {
        lock (_lock)
        {
            return _nodes.FirstOrDefault(n => n.Id == nodeId)
                ?? throw new SupervisorException($"No node '{nodeId}' was started by this tally up.");
        }
    }

    void ThrowIfStopping()
    {
        if (_stopping is not null)
        {
            throw new SupervisorException("tally up is stopping; it starts no more nodes.");
        }
    }

    string UrlOf(int index) => $"http://{_options.Host}:{_options.BasePort + index}";

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Started node {NodeId} at {Url} (pid {ProcessId})")]
    partial void LogStarted(string nodeId, string url, int processId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Node {NodeId} exited unexpectedly with code {ExitCode}; it stays down until restarted from the dashboard. Log: {LogPath}")]
    partial void LogExitedUnexpectedly(string nodeId, int exitCode, string logPath);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Node {NodeId} crashed on request (SIGKILL)")]
    partial void LogCrashed(string nodeId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Node {NodeId} left the cluster and exited")]
    partial void LogLeft(string nodeId);
}
