using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Tally.Maelstrom.StandIn;

/// <summary>One node program (maelstrom/process.clj): started with its arguments, fed the messages due for it on
/// stdin one JSON line each, its stdout lines parsed and sent into the network, its stderr kept (last lines, and a
/// log file when asked). Stopped by its own <see cref="Process"/> object, never by name.</summary>
sealed class NodeProcess(string id, StandInOptions options, Network network, Violations violations) : IEndpoint, IAsyncDisposable
{
    readonly PriorityQueue<Envelope, (long, long)> _queue = new();
    readonly SemaphoreSlim _ready = new(0);
    readonly ConcurrentQueue<string> _stderr = new();
    readonly CancellationTokenSource _stop = new();
    Process? _process;
    Task _tasks = Task.CompletedTask;
    StreamWriter? _log;

    public string Id => id;

    /// <summary>The process ended before the stand-in stopped it.</summary>
    public bool Crashed { get; private set; }

    public string LastStderr => string.Join('\n', _stderr);

    public void Start()
    {
        var start = new ProcessStartInfo(options.Bin)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in options.Args)
        {
            start.ArgumentList.Add(arg);
        }
        if (options.LogDirectory is { } dir)
        {
            Directory.CreateDirectory(dir);
            _log = new StreamWriter(Path.Combine(dir, $"{id}.log")) { AutoFlush = true };
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {options.Bin}.");
        network.AddServer(id, this);
        _tasks = Task.WhenAll(
            Task.Run(() => DeliverAsync(_process.StandardInput, _stop.Token)),
            Task.Run(() => ReadStdoutAsync(_process.StandardOutput)),
            Task.Run(() => ReadStderrAsync(_process.StandardError)));
    }

    public void Enqueue(Envelope envelope)
    {
        lock (_queue)
        {
            _queue.Enqueue(envelope, (envelope.Deadline, envelope.Id));
        }
        _ready.Release();
    }

    /// <summary>Maelstrom's stdin thread: take the earliest message, drop it if its source is cut off from this node,
    /// else wait until it is due and write it.</summary>
    async Task DeliverAsync(StreamWriter stdin, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await _ready.WaitAsync(ct);
                Envelope envelope;
                lock (_queue)
                {
                    envelope = _queue.Dequeue();
                }
                if (network.IsCut(envelope.Src, id))
                {
                    continue;
                }
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), envelope.Deadline);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                }
                await stdin.WriteAsync(envelope.ToLine());
                await stdin.WriteAsync('\n');
                await stdin.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The process is gone; Stop reports it as a crash.
        }
    }

    async Task ReadStdoutAsync(StreamReader stdout)
    {
        while (await stdout.ReadLineAsync() is { } line)
        {
            if (!TryParse(line, out var src, out var dest, out var body, out var problem))
            {
                violations.Add($"{id} wrote a line to stdout that is not a Maelstrom message ({problem}): {Truncate(line)}");
                continue;
            }
            if (src != id)
            {
                violations.Add($"{id} sent a message with src {src}: {Truncate(line)}");
                continue;
            }
            if (network.Send(src, dest, body, Encoding.UTF8.GetByteCount(line) + 1) is { } error)
            {
                violations.Add($"{id}: Maelstrom rejects this message ({error}): {Truncate(line)}");
            }
        }
    }

    static bool TryParse(string line, out string src, out string dest, out JsonElement body, out string problem)
    {
        src = dest = problem = "";
        body = default;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("src", out var s) || s.ValueKind != JsonValueKind.String ||
                !root.TryGetProperty("dest", out var d) || d.ValueKind != JsonValueKind.String ||
                !root.TryGetProperty("body", out var b) || b.ValueKind != JsonValueKind.Object)
            {
                problem = "needs src and dest strings and a body object";
                return false;
            }
            src = s.GetString()!;
            dest = d.GetString()!;
            body = b.Clone();
            return true;
        }
        catch (JsonException e)
        {
            problem = e.Message;
            return false;
        }
    }

    async Task ReadStderrAsync(StreamReader stderr)
    {
        while (await stderr.ReadLineAsync() is { } line)
        {
            _stderr.Enqueue(line);
            while (_stderr.Count > 40)
            {
                _stderr.TryDequeue(out _);
            }
            _log?.WriteLine(line);
        }
    }

    /// <summary>Stops the process (Maelstrom's stop-node!: a node that already exited is a crash).</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        Crashed = _process.HasExited;
        if (Crashed)
        {
            violations.Add($"{id} crashed with exit status {_process.ExitCode}; its last stderr lines:\n{LastStderr}");
        }
        else
        {
            _process.Kill(entireProcessTree: true);
        }
        await _stop.CancelAsync();
        await _process.WaitForExitAsync();
        await _tasks.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _stop.Dispose();
        _ready.Dispose();
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
    }

    static string Truncate(string line) => line.Length <= 300 ? line : line[..300] + "...";
}
