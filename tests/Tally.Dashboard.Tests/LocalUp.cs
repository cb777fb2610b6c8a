using System.Text.Json;

namespace Tally.Dashboard.Tests;

/// <summary>A <c>tally up</c> cluster started by a test on free loopback ports with a short gossip interval. Knows
/// the node processes it spawned, so disposal leaves none behind even if <c>tally up</c> itself misbehaves.</summary>
sealed class LocalUp : IAsyncDisposable
{
    /// <summary>Gossip interval of test clusters: short, so convergence takes a fraction of a second.</summary>
    public const string GossipInterval = "00:00:00.200";

    /// <summary>Bound on a start (process, dashboard and every node healthy): seconds on an idle machine, far more
    /// on a loaded one; the wait ends as soon as everything answers.</summary>
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    readonly HashSet<int> _children = [];

    LocalUp(TallyProcess process, string dataRoot, int basePort, int dashboardPort)
    {
        Process = process;
        DataRoot = dataRoot;
        BasePort = basePort;
        DashboardPort = dashboardPort;
    }

    public TallyProcess Process { get; }
    public string DataRoot { get; }
    public int BasePort { get; }
    public int DashboardPort { get; }
    /// <summary>Per request; generous, as a loaded machine answers slowly (waits poll with their own bounds).</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };
    public string DashboardUrl => $"http://127.0.0.1:{DashboardPort}";

    public string NodeUrl(int k) => $"http://127.0.0.1:{BasePort + k - 1}";

    public string AdminToken =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(DataRoot, "cluster.json"))).RootElement.GetProperty("adminToken").GetString()!;

    public static async Task<LocalUp> StartAsync(int nodes, string dataRoot, int basePort, int dashboardPort, CancellationToken ct)
    {
        var process = TallyProcess.Start(
            "up", "--nodes", nodes.ToString(), "--base-port", basePort.ToString(), "--port", dashboardPort.ToString(),
            "--data", dataRoot, "--gossip-interval", GossipInterval);
        var up = new LocalUp(process, dataRoot, basePort, dashboardPort);
        try
        {
            await up.WaitUntilAsync(up.DashboardUrl + "/alive", ct);
            for (var k = 1; k <= nodes; k++)
            {
                await up.WaitUntilAsync(up.NodeUrl(k) + "/health", ct);
            }
            up.RecordChildren();
            return up;
        }
        catch
        {
            await up.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until <paramref name="url"/> answers 2xx; fails with tally up's output if it never does.</summary>
    public async Task WaitUntilAsync(string url, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(Process.HasExited, $"tally up exited early (code {(Process.HasExited ? Process.ExitCode : 0)}):\n{Process.Output}");
            try
            {
                using var response = await Http.GetAsync(url, ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await Task.Delay(200, ct);
        }
        Assert.Fail($"{url} did not become ready within {StartTimeout.TotalSeconds} s. tally up output:\n{Process.Output}");
    }

    /// <summary>Remembers the node processes running now (call after adding or restarting nodes too).</summary>
    public void RecordChildren()
    {
        foreach (var pid in Process.ChildIds())
        {
            _children.Add(pid);
        }
    }

    public IReadOnlyCollection<int> KnownChildren => _children;

    /// <summary>Ctrl+C-like stop (SIGTERM). Returns whether tally up exited within 120 s (its nodes get 10 s each,
    /// in parallel, before they are killed).</summary>
    public Task<bool> StopAsync()
    {
        RecordChildren();
        return Process.StopAsync(TimeSpan.FromSeconds(120));
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            RecordChildren();
        }
        await Process.DisposeAsync();
        foreach (var pid in _children.Where(IsTallyProcess))
        {
            TallyProcess.KillHard(pid);
        }
        Http.Dispose();
    }

    static bool IsTallyProcess(int pid)
    {
        try
        {
            return TallyProcess.IsAlive(pid) && File.ReadAllText($"/proc/{pid}/cmdline").Contains("tally", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
