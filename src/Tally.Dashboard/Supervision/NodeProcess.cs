using Tally.Launcher;

namespace Tally.Dashboard.Supervision;

/// <summary>One supervised node: its fixed launch and the current OS process, if any. Output of every start is
/// appended to one log file. Thread-safe: the process's exit event and the controls race.</summary>
sealed class NodeProcess(NodeLaunch launch, string logPath) : IDisposable
{
    readonly Lock _lock = new();
    StreamWriter? _log;
    LaunchedNode? _process;
    NodeProcessState _state = NodeProcessState.Stopped;
    int? _exitCode;
    bool _leaving;
    DateTimeOffset? _startedAt;
    int _starts;

    public string Id => launch.Id;
    public string Url => launch.Url;

    /// <summary>Raised after the process exits; the argument is the state it ended in.</summary>
    public event Action<NodeProcess, NodeProcessState, int>? Exited;

    public SupervisedNode Snapshot()
    {
        lock (_lock)
        {
            return new(Id, Url, launch.DataDirectory, _state, _state == NodeProcessState.Running ? _process?.ProcessId : null, _exitCode, _startedAt, _starts);
        }
    }

    public bool IsRunning
    {
        get
        {
            lock (_lock)
            {
                return _state == NodeProcessState.Running;
            }
        }
    }

    public void Start(TallyLauncher launcher)
    {
        lock (_lock)
        {
            if (_state == NodeProcessState.Running)
            {
                throw new SupervisorException($"Node {Id} is already running (pid {_process?.ProcessId}).");
            }
            _log ??= new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
            _log.WriteLine($"--- {DateTimeOffset.Now:O} starting {Id}: tally {string.Join(' ', launch.CommandLine())}");
            _process?.Dispose();
            _process = LaunchedNode.Start(launch, launcher, WriteLog, OnExited);
            _state = NodeProcessState.Running;
            _exitCode = null;
            _leaving = false;
            _startedAt = DateTimeOffset.UtcNow;
            _starts++;
        }
    }

    public void MarkLeaving()
    {
        lock (_lock)
        {
            _leaving = true;
        }
    }

    /// <summary>SIGKILL, as a crash would.</summary>
    public void Crash()
    {
        LaunchedNode process;
        lock (_lock)
        {
            if (_state != NodeProcessState.Running || _process is null)
            {
                throw new SupervisorException($"Node {Id} is not running.");
            }
            _state = NodeProcessState.Crashed;
            process = _process;
        }
        process.Kill();
    }

    /// <summary>Graceful stop, then a kill once <paramref name="timeout"/> has passed.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        LaunchedNode? process;
        lock (_lock)
        {
            process = _state == NodeProcessState.Running ? _process : null;
            if (process is not null)
            {
                _state = NodeProcessState.Stopped;
            }
        }
        if (process is null)
        {
            return;
        }
        await process.StopAsync(timeout).ConfigureAwait(false);
    }

    void OnExited(LaunchedNode process)
    {
        NodeProcessState state;
        int code;
        lock (_lock)
        {
            if (!ReferenceEquals(process, _process))
            {
                return;
            }
            code = process.ExitCode ?? -1;
            _exitCode = code;
            if (_state == NodeProcessState.Running)
            {
                _state = _leaving ? NodeProcessState.Left : NodeProcessState.Exited;
            }
            state = _state;
        }
        WriteLog($"--- {DateTimeOffset.Now:O} {Id} exited with code {code} ({state})");
        Exited?.Invoke(this, state, code);
    }

    void WriteLog(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_lock)
        {
            _log?.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _process?.Dispose();
            _process = null;
            _log?.Dispose();
            _log = null;
        }
    }
}
