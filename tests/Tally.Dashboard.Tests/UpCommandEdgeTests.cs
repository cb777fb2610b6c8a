using System.Net.Http.Json;
using System.Text.Json;

using Tally.Launcher;

namespace Tally.Dashboard.Tests;

/// <summary><c>tally up</c>'s rough edges as a process: usage errors, a data root in use, node options checked before
/// anything starts, nodes added from the dashboard started again, and a clean exit 0 on SIGTERM even when stopping takes
/// long.</summary>
public sealed class UpCommandEdgeTests
{
    /// <summary>A usage error ends at once; the bound only covers a loaded machine starting the process.</summary>
    static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData("--nodes", "zero", "--nodes: 'zero' is not a whole number from 1 to 64.")]
    [InlineData("--nodes", "0", "--nodes: '0' is not a whole number from 1 to 64.")]
    [InlineData("--base-port", "x", "--base-port: 'x' is not a whole number from 1 to 65535.")]
    [InlineData("--gossip-interval", "banana", "--gossip-interval: 'banana' is not a duration")]
    [InlineData("--gossip-interval", "90m", "--gossip-interval: '90m': ")]
    public async Task Up_BadOptionValue_UsageErrorExit2AndStartsNothing(string option, string value, string message)
    {
        var root = Path.Combine(Path.GetTempPath(), $"tally-up-bad-{Guid.NewGuid():N}");
        // Ports no test cluster uses, in case tally up wrongly went ahead.
        string[] ports = option == "--base-port" ? ["--port", "2"] : ["--base-port", "3", "--port", "2"];
        await using var up = TallyProcess.Start(["up", option, value, "--data", root, .. ports]);
        Assert.True(await up.WaitForExitAsync(ExitTimeout), $"tally up {option} {value} must exit at once:\n{up.Output}");
        Assert.Equal(2, up.ExitCode);
        Assert.Contains(message, up.Output);
        Assert.DoesNotContain("Unhandled exception", up.Output);
        Assert.False(Directory.Exists(root), "Nothing may start, not even the data root, before the options are valid.");
    }

    [Fact]
    public async Task Up_DataRootInUse_SecondRefusesUpFrontWithExit2()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = TestPaths.TempDirectory("tally-up-tests");
        try
        {
            await using var first = await LocalUp.StartAsync(1, root, FreePorts.Range(1), FreePorts.Any(), ct);
            await using var second = TallyProcess.Start(
                "up", "--nodes", "1", "--data", root, "--base-port", FreePorts.Range(1).ToString(), "--port", FreePorts.Any().ToString());
            Assert.True(await second.WaitForExitAsync(ExitTimeout), $"The second tally up must refuse at once:\n{second.Output}");
            Assert.Equal(2, second.ExitCode);
            Assert.Contains($"the data root {root} is in use by another tally up (pid {first.Process.Id})", second.Output);
            Assert.DoesNotContain("Dashboard:", second.Output);
            // The first one is undisturbed.
            await first.WaitUntilAsync(first.NodeUrl(1) + "/health", ct);
            Assert.True(await first.StopAsync(), "the first tally up must stop on SIGTERM");
            Assert.Equal(0, first.Process.ExitCode);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Up_NodeAddedFromDashboard_StartedAgainByNextUp()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = TestPaths.TempDirectory("tally-up-tests");
        try
        {
            var basePort = FreePorts.Range(3);
            var dashboardPort = FreePorts.Any();
            await using (var up = await LocalUp.StartAsync(2, root, basePort, dashboardPort, ct))
            {
                using var added = await up.Http.PostAsync($"{up.DashboardUrl}/api/nodes", null, ct);
                Assert.True(added.IsSuccessStatusCode, $"Add node must work: {await added.Content.ReadAsStringAsync(ct)}");
                Assert.Equal("n3", (await added.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString());
                await up.WaitUntilAsync(up.NodeUrl(3) + "/health", ct);
                up.RecordChildren();
                using var sent = await up.Http.PostAsJsonAsync($"{up.NodeUrl(3)}/videos/added/views", new { amount = 5 }, ct);
                Assert.True(sent.IsSuccessStatusCode, "n3 must take views");
                Assert.True(await up.StopAsync(), "tally up must stop on SIGTERM");
                Assert.Equal(0, up.Process.ExitCode);
            }

            // Asked for 2 nodes again: the node list in the data root brings n3 back too, with its views.
            await using var again = await LocalUp.StartAsync(2, root, basePort, dashboardPort, ct);
            await again.WaitUntilAsync(again.NodeUrl(3) + "/health", ct);
            var n3 = await again.Http.GetFromJsonAsync<JsonElement>($"{again.NodeUrl(3)}/videos/added", ct);
            Assert.Equal(5, n3.GetProperty("total").GetInt64());
            Assert.Contains("n3 ", again.Process.Output);
            Assert.True(await again.StopAsync(), "the resumed tally up must stop on SIGTERM");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Up_SigTermWhileANodeIsSlowToStop_ExitsZeroAndLeavesNoProcess()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = TestPaths.TempDirectory("tally-up-tests");
        try
        {
            await using var up = await LocalUp.StartAsync(1, root, FreePorts.Range(1), FreePorts.Any(), ct);
            var node = Assert.Single(up.Process.ChildIds());
            // A frozen node (as on a machine under heavy load) cannot stop in time: tally up waits its stop timeout
            // (10 s), then kills it. That outlasts System.CommandLine's default 2 s, which used to end tally up with 143.
            TallyProcess.Signal(node, TallyProcess.SigStop);
            Assert.True(await up.StopAsync(), $"tally up must exit on SIGTERM within 120 s:\n{up.Process.Output}");
            Assert.Equal(0, up.Process.ExitCode);
            Assert.False(TallyProcess.IsAlive(node), "the frozen node must have been killed");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
