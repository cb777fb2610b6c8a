using System.Net.Http.Json;
using System.Text.Json;

using Tally.Launcher;

namespace Tally.Dashboard.Tests;

/// <summary><c>tally up</c> as a process: supervision, a clean stop on SIGTERM with no node left behind, and a resume
/// on the same data root with the same secrets and counts.</summary>
public sealed class UpCommandTests
{
    [Fact]
    public async Task Up_StopAndStartAgain_ResumesCountsAndLeavesNoProcess()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = TestPaths.TempDirectory("tally-up-tests");
        try
        {
            var basePort = FreePorts.Range(2);
            var dashboardPort = FreePorts.Any();
            const string video = "resume-video";
            string secrets;
            await using (var up = await LocalUp.StartAsync(2, root, basePort, dashboardPort, ct))
            {
                secrets = File.ReadAllText(Path.Combine(root, "cluster.json"));
                await AssertBannerAfterNodesUpAsync(up, 2, ct);
                using var sent = await up.Http.PostAsJsonAsync($"{up.NodeUrl(1)}/videos/{video}/views", new { amount = 11 }, ct);
                Assert.True(sent.IsSuccessStatusCode, $"n1 must take the views: {(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync(ct)}");
                await WaitForCountAsync(up, 2, video, 11, ct);

                var children = up.Process.ChildIds();
                Assert.Equal(2, children.Count);
                Assert.True(await up.StopAsync(), $"tally up must exit on SIGTERM within 120 s. Output:\n{up.Process.Output}");
                Assert.Equal(0, up.Process.ExitCode);
                var alive = children.Where(TallyProcess.IsAlive).ToList();
                Assert.True(alive.Count == 0, $"No node process may outlive tally up, but {string.Join(", ", alive)} still run.");
            }

            await using (var again = await LocalUp.StartAsync(2, root, basePort, dashboardPort, ct))
            {
                Assert.Equal(secrets, File.ReadAllText(Path.Combine(root, "cluster.json")));
                var n1 = await GetVideoAsync(again, 1, video, ct);
                Assert.Equal(11, n1.GetProperty("total").GetInt64());
                await WaitForCountAsync(again, 2, video, 11, ct);
                Assert.True(await again.StopAsync(), "the resumed tally up must stop on SIGTERM");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Up_NodeDiesUnexpectedly_ShownDownAndNotRestarted()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = TestPaths.TempDirectory("tally-up-tests");
        try
        {
            await using var up = await LocalUp.StartAsync(2, root, FreePorts.Range(2), FreePorts.Any(), ct);
            var victim = up.Process.ChildIds().Single(pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains("\0--id\0n2\0", StringComparison.Ordinal));
            TallyProcess.KillHard(victim);

            // Seen within a second on an idle machine; the bound is for a loaded one.
            var deadline = DateTime.UtcNow.AddSeconds(120);
            JsonElement n2 = default;
            while (DateTime.UtcNow < deadline)
            {
                n2 = (await FirstUpdateAsync(up, ct)).GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("key").GetString() == "n2");
                // The card may show down (no answer) a moment before the supervisor sees the process exit.
                if (n2.GetProperty("status").GetString() == "down" && n2.GetProperty("process").GetString() == "exited")
                {
                    break;
                }
                await Task.Delay(200, ct);
            }
            Assert.Equal("down", n2.GetProperty("status").GetString());
            Assert.Equal("exited", n2.GetProperty("process").GetString());
            // Not restarted behind the user's back: still exactly one node process.
            await Task.Delay(1000, ct);
            Assert.Single(up.Process.ChildIds());
            Assert.Contains("n2 exited unexpectedly", up.Process.Output);
            Assert.True(await up.StopAsync(), "tally up must stop on SIGTERM");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>tally up says at once that it starts, prints its banner (node list, dashboard URL) only once every
    /// node answers, and keeps the nodes' own log lines out of its output (they go to logs/nK.log).</summary>
    static async Task AssertBannerAfterNodesUpAsync(LocalUp up, int nodes, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!up.Process.Output.Contains("Dashboard:", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, ct);
        }
        var lines = up.Process.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var starting = lines.FindIndex(l => l.StartsWith("Tally: starting", StringComparison.Ordinal));
        var dashboard = lines.FindIndex(l => l.StartsWith("Dashboard:", StringComparison.Ordinal));
        Assert.True(starting == 0 && dashboard > starting, $"tally up must first say it starts, and end its banner with the dashboard URL:\n{up.Process.Output}");
        for (var k = 1; k <= nodes; k++)
        {
            var line = lines.FindIndex(l => l.StartsWith($"  n{k} ", StringComparison.Ordinal));
            Assert.True(line > starting && line < dashboard, $"n{k} must be listed in the banner:\n{up.Process.Output}");
        }
        Assert.True(lines.Take(dashboard + 1).All(l => l.StartsWith("Tally:", StringComparison.Ordinal) || l.StartsWith("  ", StringComparison.Ordinal) || l.StartsWith("Dashboard:", StringComparison.Ordinal)),
            $"Nothing but the banner may be printed before it is whole (node logs go to files):\n{up.Process.Output}");
        Assert.True(File.Exists(Path.Combine(up.DataRoot, "logs", "n1.log")), "node output goes to logs/n1.log");
    }

    static async Task<JsonElement> FirstUpdateAsync(LocalUp up, CancellationToken ct)
    {
        using var response = await up.Http.GetAsync($"{up.DashboardUrl}/api/events?video=v", HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
            }
        }
        throw new InvalidOperationException("The event stream ended without an update.");
    }

    static async Task<JsonElement> GetVideoAsync(LocalUp up, int node, string video, CancellationToken ct) =>
        await up.Http.GetFromJsonAsync<JsonElement>($"{up.NodeUrl(node)}/videos/{video}", ct);

    static async Task WaitForCountAsync(LocalUp up, int node, string video, long count, CancellationToken ct)
    {
        // Converges in about a second with 200 ms gossip; the bound is for a loaded machine.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        long seen = -1;
        while (DateTime.UtcNow < deadline)
        {
            seen = (await GetVideoAsync(up, node, video, ct)).GetProperty("count").GetInt64();
            if (seen == count)
            {
                return;
            }
            await Task.Delay(100, ct);
        }
        Assert.Fail($"n{node} must reach count {count} for {video} within 120 s; it shows {seen}.");
    }
}
