using System.Globalization;
using Microsoft.Extensions.Logging;
using Tally.Launcher;

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
    readonly HashSet<string> _left = new(StringComparer.Ordinal);
    int _highest;
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

    /// <summary>Starts nodes <c>n1..nN</c> and every node of the saved node list (nodes added from the dashboard in
    /// an earlier run), each with every other as a peer; nodes that left the cluster are not started again. Returns
    /// the ids of those left out.</summary>
    public IReadOnlyList<string> Start()
    {
        Directory.CreateDirectory(LogDirectory);
        lock (_lock)
        {
            var saved = NodeList.Load(_options.DataRoot);
            _left.UnionWith(saved.Nodes.Where(n => n.Left).Select(n => n.Id));
            var indexes = Enumerable.Range(1, _options.NodeCount)
                .Concat(saved.Nodes.Select(n => NodeList.IndexOf(n.Id)!.Value))
                .Distinct().Order().ToList();
            var skipped = indexes.Select(IdOf).Where(_left.Contains).ToList();
            indexes.RemoveAll(k => _left.Contains(IdOf(k)));
            _highest = indexes.Concat(saved.Nodes.Select(n => NodeList.IndexOf(n.Id)!.Value)).DefaultIfEmpty(0).Max();
            var urls = indexes.Select(k => UrlOf(k - 1)).ToList();
            foreach (var k in indexes)
            {
                StartNew(k, [.. urls.Where(u => u != UrlOf(k - 1))]);
            }
            SaveList();
            return skipped;
        }
    }

    public SupervisedNode Add()
    {
        lock (_lock)
        {
            ThrowIfStopping();
            var through = _nodes.FirstOrDefault(n => n.IsRunning)
                ?? throw new SupervisorException("No node is running to join through; restart one first.");
            // A new id, never one of a node that left (its data directory belongs to that node).
            var index = ++_highest;
            var node = StartNew(index, [through.Url]);
            SaveList();
            return node.Snapshot();
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
        lock (_lock)
        {
            // Restarted after a leave: it is one of the cluster's nodes again.
            if (_left.Remove(node.Id))
            {
                SaveList();
            }
        }
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

    static string IdOf(int index) => "n" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Saves the node list (under <see cref="_lock"/>): every node started, and which left.</summary>
    void SaveList()
    {
        try
        {
            new NodeList([.. _nodes.Select(n => new NodeList.Entry(n.Id, _left.Contains(n.Id)))
                .Concat(_left.Where(id => _nodes.All(n => n.Id != id)).Select(id => new NodeList.Entry(id, true)))
                .OrderBy(e => NodeList.IndexOf(e.Id))]).Save(_options.DataRoot);
        }
        catch (IOException e)
        {
            LogListNotSaved(e.Message);
        }
    }

    NodeProcess StartNew(int index, List<string> peers)
    {
        var id = IdOf(index);
        var url = UrlOf(index - 1);
        var launch = new NodeLaunch(id, url, Path.GetFullPath(Path.Combine(_options.DataRoot, id)))
        {
            Peers = peers,
            Arguments = _options.ExtraNodeArguments,
            ClusterKey = _options.Secrets.ClusterKey,
            AdminToken = _options.Secrets.AdminToken,
            ClusterId = _options.Secrets.ClusterId ?? "",
        };
        var node = new NodeProcess(launch, Path.Combine(LogDirectory, id + ".log"));
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
                lock (_lock)
                {
                    _left.Add(node.Id);
                    SaveList();
                }
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

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Could not save the node list: {Error}; the next tally up may not start every node")]
    partial void LogListNotSaved(string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Node {NodeId} left the cluster and exited")]
    partial void LogLeft(string nodeId);
}
