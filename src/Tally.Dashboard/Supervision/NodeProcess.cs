using System.Diagnostics;

namespace Tally.Dashboard.Supervision;

/// <summary>One supervised node: its fixed launch arguments and the current OS process, if any. Output of every
/// start is appended to one log file. Thread-safe: the process's exit event and the controls race.</summary>
sealed class NodeProcess(
    string id,
    string url,
    string dataDirectory,
    IReadOnlyList<string> arguments,
    IReadOnlyDictionary<string, string> environment,
    string logPath) : IDisposable
{
    readonly Lock _lock = new();
    StreamWriter? _log;
    Process? _process;
    NodeProcessState _state = NodeProcessState.Stopped;
    int? _exitCode;
    bool _leaving;
    DateTimeOffset? _startedAt;
    int _starts;

    public string Id => id;
    public string Url => url;

    /// <summary>Raised after the process exits; the argument is the state it ended in.</summary>
    public event Action<NodeProcess, NodeProcessState, int>? Exited;

    public SupervisedNode Snapshot()
    {
        lock (_lock)
        {
            return new(id, url, dataDirectory, _state, _state == NodeProcessState.Running ? _process?.Id : null, _exitCode, _startedAt, _starts);
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
                throw new SupervisorException($"Node {id} is already running (pid {_process?.Id}).");
            }
            _log ??= new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
            _log.WriteLine($"--- {DateTimeOffset.Now:O} starting {id}: tally {string.Join(' ', arguments)}");
            _process?.Dispose();
            var info = launcher.StartInfo(arguments);
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => WriteLog(e.Data);
            process.ErrorDataReceived += (_, e) => WriteLog(e.Data);
            process.Exited += (_, _) => OnExited(process);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
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
        Process process;
        lock (_lock)
        {
            if (_state != NodeProcessState.Running || _process is null)
            {
                throw new SupervisorException($"Node {id} is not running.");
            }
            _state = NodeProcessState.Crashed;
            process = _process;
        }
        process.Kill();
    }

    /// <summary>Graceful stop, then a kill once <paramref name="timeout"/> has passed.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        Process? process;
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
        if (!Signals.TryTerminate(process))
        {
            process.Kill(entireProcessTree: true);
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    void OnExited(Process process)
    {
        NodeProcessState state;
        int code;
        lock (_lock)
        {
            if (!ReferenceEquals(process, _process))
            {
                return;
            }
            code = process.ExitCode;
            _exitCode = code;
            if (_state == NodeProcessState.Running)
            {
                _state = _leaving ? NodeProcessState.Left : NodeProcessState.Exited;
            }
            state = _state;
        }
        WriteLog($"--- {DateTimeOffset.Now:O} {id} exited with code {code} ({state})");
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
