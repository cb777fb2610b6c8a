using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Tally.Node.Tests.Cluster;

/// <summary>One <c>tally node</c> process on 127.0.0.1 and a free port, started by a test and killed by it (by its
/// <see cref="Process"/> object, never by name). Its data directory and port survive restarts.</summary>
sealed class NodeProcess : IAsyncDisposable
{
    public const string ClusterKey = "it-cluster-key";
    public const string AdminToken = "it-admin-token";

    internal static readonly string CliPath = typeof(NodeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TallyCli").Value!;

    readonly ConcurrentQueue<string> _output = new();
    Process? _process;

    /// <param name="id">The node's name (<c>--id</c>).</param>
    /// <param name="dataName">The data directory's name under <paramref name="dataRoot"/> (default: the id); a second
    /// process with the same name needs its own.</param>
    public NodeProcess(string id, string dataRoot, IReadOnlyList<string> peers, TimeSpan gossipInterval, string durability = "fsync",
        string? dataName = null, string scheme = "http")
    {
        Id = id;
        Port = FreePort();
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

    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Output => string.Join('\n', _output.TakeLast(60));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Start()
    {
        if (!File.Exists(CliPath))
        {
            throw new FileNotFoundException($"Build src/Tally.Cli first: {CliPath} is missing.", CliPath);
        }
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(CliPath)!,
        };
        foreach (var argument in new[]
                 {
                     CliPath, "node", "--id", Id, "--listen", Url, "--data", DataDirectory, "--cluster-key", ClusterKey,
                     "--admin-token", AdminToken, "--gossip-interval", $"{GossipInterval.TotalMilliseconds}ms",
                     "--durability", Durability,
                 })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var argument in Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        if (Peers.Count > 0)
        {
            start.ArgumentList.Add("--peers");
            start.ArgumentList.Add(string.Join(',', Peers));
        }
        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }
        _output.Clear();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>kill -9: the process gets no chance to flush or say goodbye.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            p.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM (what Ctrl+C or <c>docker stop</c> sends): the node finishes its commits, writes a snapshot and exits.</summary>
    public void Terminate()
    {
        if (_process is { HasExited: false } p)
        {
            using var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit(10_000);
        }
    }

    /// <summary>Waits for the process to exit on its own; false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process!.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until <c>/health</c> answers <paramref name="status"/>.</summary>
    public async Task WaitForHealthAsync(HttpClient client, HttpStatusCode status, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process is { HasExited: true } p)
            {
                throw new InvalidOperationException($"Node {Id} exited with code {p.ExitCode}:\n{Output}");
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
