namespace Tally.Launcher.Tests;

/// <summary><see cref="LaunchedNode"/> on real child processes (<see cref="ShellProcess"/>): output forwarding, the exit
/// callback, and the stop paths: SIGTERM honoured, SIGTERM ignored (killed once the timeout has passed), SIGKILL, and a
/// process that already exited.</summary>
public sealed class LaunchedNodeTests
{
    const string Loop = "while :; do sleep 0.2; done";

    // A process killed by signal N exits with 128 + N, as a shell reports it.
    const int KilledBySigKill = 128 + 9;

    [Fact]
    public async Task StopAsync_EndsTheProcessGracefully_WhenItHonoursSigTerm()
    {
        using var shell = await ShellProcess.StartAsync($"trap 'echo terminated; exit 0' TERM; echo ready; {Loop}");

        await shell.Node.StopAsync(ShellProcess.Patience);

        Assert.True(shell.Node.HasExited);
        Assert.Equal(0, shell.Node.ExitCode);
        await shell.WaitForLineAsync(l => l == "terminated");
        await shell.Exited.WaitAsync(ShellProcess.Patience, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StopAsync_KillsTheProcess_WhenItIgnoresSigTermPastTheTimeout()
    {
        using var shell = await ShellProcess.StartAsync($"trap '' TERM; echo ready; {Loop}");

        // The timeout is what is tested: the process never exits on its own, so StopAsync must kill it.
        await shell.Node.StopAsync(TimeSpan.FromSeconds(1));

        Assert.True(shell.Node.HasExited);
        Assert.Equal(KilledBySigKill, shell.Node.ExitCode);
        await shell.Exited.WaitAsync(ShellProcess.Patience, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Terminate_SendsSigTerm_ThatTheProcessSees()
    {
        using var shell = await ShellProcess.StartAsync($"trap 'echo got-term; exit 4' TERM; echo ready; {Loop}");

        Assert.True(shell.Node.Terminate());

        Assert.True(await shell.Node.WaitForExitAsync(ShellProcess.Patience));
        Assert.Equal(4, shell.Node.ExitCode);
        await shell.WaitForLineAsync(l => l == "got-term");
    }

    [Fact]
    public async Task Kill_EndsTheProcessAtOnce_EvenWhenItIgnoresSigTerm()
    {
        using var shell = await ShellProcess.StartAsync($"trap '' TERM; echo ready; {Loop}");
        Assert.Null(shell.Node.ExitCode);

        shell.Node.Kill();

        Assert.True(shell.Node.HasExited);
        Assert.Equal(KilledBySigKill, shell.Node.ExitCode);
    }

    [Fact]
    public async Task StopTerminateKill_DoNothing_WhenTheProcessHasExited()
    {
        using var shell = await ShellProcess.StartAsync("echo ready; echo bye >&2; exit 3");
        Assert.True(await shell.Node.WaitForExitAsync(ShellProcess.Patience));
        await shell.Exited.WaitAsync(ShellProcess.Patience, TestContext.Current.CancellationToken);

        Assert.False(shell.Node.Terminate());
        await shell.Node.StopAsync(TimeSpan.Zero);
        shell.Node.Kill();

        Assert.Equal(3, shell.Node.ExitCode);
        await shell.WaitForLineAsync(l => l == "bye"); // stderr is forwarded too
    }

    [Fact]
    public async Task WaitForExitAsync_ReturnsFalse_WhileTheProcessRuns()
    {
        using var shell = await ShellProcess.StartAsync($"echo ready; {Loop}");

        Assert.False(await shell.Node.WaitForExitAsync(TimeSpan.FromMilliseconds(100)));
        Assert.False(shell.Node.HasExited);
    }

    [Fact]
    public async Task Start_PassesSecretsInTheEnvironment_NotOnTheProcessCommandLine()
    {
        var data = Path.Combine(Path.GetTempPath(), "tally-launcher-" + Guid.NewGuid().ToString("N"));
        try
        {
            var launch = new NodeLaunch("n1", "http://127.0.0.1:1", Path.Combine(data, "n1"))
            {
                ClusterKey = "key-0451",
                AdminToken = "token-0452",
                WorkingDirectory = Path.Combine(data, "cwd"),
            };
            using var shell = await ShellProcess.StartAsync(
                $"""echo "env $TALLY_CLUSTER_KEY $TALLY_ADMIN_TOKEN"; echo "args $*"; echo "cwd $(pwd)"; echo ready; {Loop}""", launch);

            var commandLine = await File.ReadAllTextAsync($"/proc/{shell.Node.ProcessId}/cmdline", TestContext.Current.CancellationToken);
            Assert.Contains("--id\0n1\0", commandLine, StringComparison.Ordinal);
            Assert.DoesNotContain("key-0451", commandLine, StringComparison.Ordinal);
            Assert.DoesNotContain("token-0452", commandLine, StringComparison.Ordinal);
            await shell.WaitForLineAsync(l => l == "env key-0451 token-0452");
            await shell.WaitForLineAsync(l => l == $"args node --id n1 --listen http://127.0.0.1:1 --data {Path.Combine(data, "n1")}");
            await shell.WaitForLineAsync(l => l == $"cwd {Path.Combine(data, "cwd")}"); // created by Start
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
