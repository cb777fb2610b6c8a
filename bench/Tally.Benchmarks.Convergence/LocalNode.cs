using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tally.Benchmarks.Convergence;

/// <summary>One <c>tally node</c> process on 127.0.0.1 and a free port, started here and killed here by its
/// <see cref="Process"/> object (never by name). Keeps the last lines it wrote, for error messages.</summary>
sealed class LocalNode(string cliPath, string id, int port, string dataDirectory) : IDisposable
{
    readonly ConcurrentQueue<string> _output = new();
    Process? _process;

    public string Id { get; } = id;

    public string Url { get; } = $"http://127.0.0.1:{port}";

    public bool HasExited => _process is { HasExited: true };

    public string Output => string.Join('\n', _output.TakeLast(40));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Start(IEnumerable<string> peers, TimeSpan gossipInterval, string clusterKey, string adminToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        string[] arguments =
        [
            cliPath, "node", "--id", Id, "--listen", Url, "--data", dataDirectory,
            "--peers", string.Join(',', peers),
            "--gossip-interval", gossipInterval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms",
            "--cluster-key", clusterKey, "--admin-token", adminToken, "--durability", "fsync",
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Directory.CreateDirectory(dataDirectory);
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

    /// <summary>Kills the process this object started, if it still runs, and waits (bounded) for it to go.</summary>
    public void Dispose()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
            process.Dispose();
            _process = null;
        }
    }
}
