using System.Diagnostics;

namespace Tally.Launcher;

/// <summary>A started <c>tally node</c> process: its output lines go to a callback, and it is stopped by this object
/// (by its <see cref="Process"/>, never by name). Thread-safe as <see cref="Process"/> is.</summary>
public sealed class LaunchedNode : IDisposable
{
    readonly Process _process;

    LaunchedNode(Process process) => _process = process;

    /// <summary>Starts <paramref name="launch"/> with <paramref name="tally"/>; every line the node writes (stdout and
    /// stderr) goes to <paramref name="onLine"/>, and <paramref name="onExit"/> runs once it has exited.</summary>
    public static LaunchedNode Start(NodeLaunch launch, TallyLauncher tally, Action<string> onLine, Action<LaunchedNode>? onExit = null)
    {
        if (launch.WorkingDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
        }
        var process = new Process { StartInfo = launch.StartInfo(tally), EnableRaisingEvents = onExit is not null };
        var node = new LaunchedNode(process);
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        if (onExit is not null)
        {
            process.Exited += (_, _) => onExit(node);
        }
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;

        void Forward(string? line)
        {
            if (line is not null)
            {
                onLine(line);
            }
        }
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once exited, else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>SIGKILL, as a crash would: the node gets no chance to flush or say goodbye. Waits (bounded) for it.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    /// <summary>SIGTERM (what Ctrl+C or <c>docker stop</c> sends): the node finishes its commits, writes a snapshot
    /// and exits. False where no signal can be sent (the caller kills).</summary>
    public bool Terminate() => Signals.TryTerminate(_process);

    /// <summary>Waits for the process to exit on its own; false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Graceful stop (<see cref="Terminate"/>), then a kill once <paramref name="timeout"/> has passed.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }
        if (!Terminate() || !await WaitForExitAsync(timeout).ConfigureAwait(false))
        {
            Kill();
        }
    }

    public void Dispose() => _process.Dispose();
}
