using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Tally.Crdt;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

/// <summary>kill -9: a child process (tests/Tally.Storage.CrashWriter) appends from four tasks and prints each
/// acknowledged record; the test kills it with SIGKILL mid-stream and checks that everything it printed is on disk.
/// Three runs on the same directory, so later runs recover what earlier kills left (torn tails, half-done
/// snapshots: the child snapshots every 100 acknowledgements).</summary>
public class CrashTests
{
    static readonly ReplicaId Crash = ReplicaId.Parse("crash");

    [Fact]
    public async Task Store_KeepsEveryAcknowledgedAppend_WhenTheProcessIsKilled()
    {
        using var dir = new TempDirectory();
        var acknowledged = new Dictionary<string, ulong>();
        int[] killAfter = [150, 420, 60];
        for (var run = 0; run < killAfter.Length; run++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(120)); // generous: only a hung child reaches it
            using var child = Process.Start(ChildStartInfo(dir.Path, writers: 4))!;
            var errors = child.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                var first = await child.StandardOutput.ReadLineAsync(timeout.Token);
                Assert.True(first == "ready", $"run {run}: the child must start, got '{first}': {await ErrorsOf(child, errors)}");
                if (run == 0)
                {
                    Assert.Throws<DataDirectoryLockedException>(() => Open(dir.Path)); // the lock holds across processes
                }
                for (var seen = 0; seen < killAfter[run]; seen++)
                {
                    var line = await child.StandardOutput.ReadLineAsync(timeout.Token);
                    Assert.True(line is not null, $"run {run}: the child ended after {seen} acknowledgements: {await ErrorsOf(child, errors)}");
                    Record(acknowledged, line);
                }
                child.Kill(); // SIGKILL: no finally blocks, no flush, no dispose in the child
                await child.WaitForExitAsync(timeout.Token);
                // Lines the child printed before it died are acknowledged too.
                while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    Record(acknowledged, line);
                }
            }
            finally
            {
                if (!child.HasExited)
                {
                    child.Kill();
                    await child.WaitForExitAsync(CancellationToken.None);
                }
            }
            var logger = new ListLogger<FileStateStore>();
            var (store, loaded) = await LoadAsync(dir.Path, logger);
            await using (store)
            {
                foreach (var (level, message) in logger.Entries)
                {
                    TestContext.Current.TestOutputHelper?.WriteLine($"run {run} recovery, {level}: {message}");
                }
                Assert.NotNull(loaded);
                foreach (var (video, value) in acknowledged)
                {
                    var entry = loaded.EntryOf(VideoId.Parse(video), Crash);
                    Assert.True(entry >= value, $"run {run}: {video} was acknowledged at {value} but only {entry} survived the kill");
                }
            }
        }
    }

    static void Record(Dictionary<string, ulong> acknowledged, string line)
    {
        var parts = line.Split(' ');
        Assert.True(parts is ["ack", _, _], $"unexpected line from the child: '{line}'");
        var value = ulong.Parse(parts[2], CultureInfo.InvariantCulture);
        acknowledged[parts[1]] = Math.Max(acknowledged.GetValueOrDefault(parts[1]), value);
    }

    static async Task<string> ErrorsOf(Process child, Task<string> errors)
    {
        if (!child.HasExited)
        {
            return "(still running)";
        }
        return $"exit code {child.ExitCode}, stderr: {await errors}";
    }

    static ProcessStartInfo ChildStartInfo(string directory, int writers)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tally.Storage.CrashWriter.dll"));
        start.ArgumentList.Add(directory);
        start.ArgumentList.Add(writers.ToString(CultureInfo.InvariantCulture));
        return start;
    }

    /// <summary>The dotnet host running this test: DOTNET_HOST_PATH when the SDK set it, else the one that owns this
    /// runtime (shared/Microsoft.NETCore.App/&lt;version&gt;/ sits three levels below it).</summary>
    static string DotnetHost()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        return File.Exists(Path.Combine(root, name)) ? Path.Combine(root, name) : name;
    }
}
