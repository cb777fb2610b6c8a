using System.Diagnostics;
using System.Text;

namespace Tally.Deploy.Tests;

/// <summary>Runs a program to completion within a time limit (killing it and its children on timeout) and returns its
/// exit code and output.</summary>
static class Command
{
    public sealed record Result(int Code, string Output, string Error)
    {
        public string Text => $"exit {Code}\n{Output}\n{Error}".Trim();
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }
        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}:\n{output}\n{error}");
        }
        process.WaitForExit(); // drains the output events
        return new Result(process.ExitCode, Snapshot(output), Snapshot(error));
    }

    /// <summary>Runs and requires exit code 0.</summary>
    public static async Task<string> CheckAsync(string program, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null, CancellationToken ct = default)
    {
        var list = arguments.ToList();
        var result = await RunAsync(program, list, timeout, environment, ct);
        Assert.True(result.Code == 0, $"{program} {string.Join(' ', list)} must succeed:\n{result.Text}");
        return result.Output;
    }

    static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (builder)
        {
            builder.AppendLine(line);
        }
    }

    static string Snapshot(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}
