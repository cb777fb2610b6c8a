using System.Collections.Concurrent;

namespace Tally.Launcher.Tests;

/// <summary>A <see cref="LaunchedNode"/> whose "tally" is a small <c>/bin/sh</c> script (the node's arguments become
/// <c>$1</c>...): a real child process that starts in milliseconds, with its output lines collected.</summary>
sealed class ShellProcess : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    readonly ConcurrentQueue<string> _lines = new();
    readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly SemaphoreSlim _lineArrived = new(0);

    ShellProcess(string script, NodeLaunch launch)
    {
        Node = LaunchedNode.Start(launch, new TallyLauncher("/bin/sh", ["-c", script, "sh"]), line =>
        {
            _lines.Enqueue(line);
            _lineArrived.Release();
        }, _ => _exited.TrySetResult());
    }

    public LaunchedNode Node { get; }

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Resolved once <see cref="LaunchedNode.Start"/>'s exit callback has run.</summary>
    public Task Exited => _exited.Task;

    /// <summary>Starts <paramref name="script"/> and waits until it prints <c>ready</c> (its traps are set by then).</summary>
    public static async Task<ShellProcess> StartAsync(string script, NodeLaunch? launch = null)
    {
        var process = new ShellProcess(script, launch ?? new NodeLaunch("n1", "http://127.0.0.1:1", "/nonexistent"));
        await process.WaitForLineAsync(l => l == "ready");
        return process;
    }

    /// <summary>Waits (up to <see cref="Patience"/>) for a line matching <paramref name="match"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(Patience);
        while (true)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }
            try
            {
                await _lineArrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"No matching line within {Patience.TotalSeconds} s; got: {string.Join(" | ", _lines)}");
            }
        }
    }

    public void Dispose()
    {
        Node.Kill();
        Node.Dispose();
        _lineArrived.Dispose();
    }
}
