using System.Diagnostics;
using Tally.Node.Tests.Cluster;

namespace Tally.Node.Tests;

/// <summary><c>tally node</c> refuses bad options at start with a message that names each problem.</summary>
public sealed class NodeCommandTests
{
    [Fact]
    public async Task NodeCommand_ExitsWith2AndNamesEveryProblem_WhenOptionsAreInvalid()
    {
        var (code, output) = await RunAsync(["node", "--id", "bad id", "--listen", "http://0.0.0.0:1", "--peers", "nope,http://ok:1",
            "--gossip-interval", "1s", "--cluster-key", "k"]);

        Assert.Equal(2, code);
        Assert.Contains("--id", output);
        Assert.Contains("--advertise", output);
        Assert.Contains("'nope'", output);
        Assert.Contains("--admin-token", output);
        Assert.Contains("--data", output);
        Assert.DoesNotContain("http://ok:1", output);
    }

    [Theory]
    [InlineData("--gossip-interval", "soon", "duration")]
    [InlineData("--durability", "maybe", "fsync or none")]
    [InlineData("--peers-dns", "tally", "NAME:PORT")]
    [InlineData("--peers-dns-interval", "often", "duration")]
    [InlineData("--level-timeout", "banana", "duration")]
    [InlineData("--listen", "https://127.0.0.1:1", "--tls-cert")]
    [InlineData("--tls-ca", "/nonexistent/ca.pem", "cannot be read")]
    public async Task NodeCommand_ExitsWith2_ForAnUnreadableValue(string option, string value, string message)
    {
        var (code, output) = await RunAsync(["node", option, value]);

        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    static async Task<(int Code, string Output)> RunAsync(string[] arguments)
    {
        using var process = Process.Start(Tally.Launcher.TallyLauncher.Of(NodeProcess.CliPath).StartInfo(arguments))!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        // A bound for a loaded machine; the command itself ends in a second or two.
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
