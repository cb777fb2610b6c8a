using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Tally.Launcher;

namespace Tally.Maelstrom.Tests;

/// <summary>The real <c>tally maelstrom</c> process: messages on stdout only, logs on stderr, exit when stdin ends.</summary>
public sealed class CommandTests
{
    static readonly string TallyCli = typeof(CommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TallyCli").Value!;

    static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string stdin, params string[] args)
    {
        var start = TallyLauncher.Of(TallyCli).StartInfo(["maelstrom", .. args]);
        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
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
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Maelstrom_AnswersOnStdoutAndLogsOnStderr_UntilStdinEnds()
    {
        var (code, stdout, stderr) = await RunAsync(
            """
            {"id":0,"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}
            {"id":1,"src":"c1","dest":"n1","body":{"type":"add","msg_id":1,"delta":5}}
            not a message
            {"id":2,"src":"c1","dest":"n1","body":{"type":"read","msg_id":2}}

            """);
        Assert.Equal(0, code);
        var bodies = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("body")).ToList();
        var replies = bodies.Where(b => b.GetProperty("type").GetString() != "tally_gossip").ToList();
        Assert.Equal(["init_ok", "add_ok", "read_ok"], replies.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal(5, replies[2].GetProperty("value").GetInt64());
        Assert.Contains("Initialized as n1", stderr);
        Assert.Contains("Unreadable stdin line", stderr);
    }

    [Fact]
    public async Task MaelstromHelp_SaysTheStateIsInMemoryOnly()
    {
        var (code, stdout, _) = await RunAsync("", "--help");
        Assert.Equal(0, code);
        Assert.Contains("memory only", stdout);
        Assert.Contains("--gossip-interval", stdout);
    }

    [Fact]
    public async Task Maelstrom_RefusesABadOption_WithoutStarting()
    {
        var (code, _, stderr) = await RunAsync("", "--fanout", "0");
        Assert.NotEqual(0, code);
        Assert.Contains("--fanout", stderr);
    }
}
