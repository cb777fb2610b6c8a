using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Tally.Dashboard.Tests;

/// <summary>docker-compose.yml checked by <c>docker-compose config</c> (Debian's docker-compose; there is no Docker
/// engine here), and its resolved form read with YamlDotNet for the layout the README promises.</summary>
public sealed class ComposeTests
{
    static readonly string[] NodeServices = ["node1", "node2", "node3", "node4", "node5"];

    [Fact]
    public async Task ComposeFile_Config_FiveNodesAndDashboard()
    {
        var (code, output, error) = await ComposeConfigAsync(new() { ["TALLY_CLUSTER_KEY"] = "test-key", ["TALLY_ADMIN_TOKEN"] = "test-token" });
        Assert.True(code == 0, $"docker-compose config must accept docker-compose.yml:\n{error}");

        var yaml = new YamlStream();
        yaml.Load(new StringReader(output));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var services = (YamlMappingNode)root["services"];
        foreach (var name in NodeServices)
        {
            var node = (YamlMappingNode)services[name];
            var command = Strings(node["command"]);
            Assert.Equal("node", command[0]);
            Assert.Contains($"--advertise=http://{name}:8001", command);
            var peers = command.Single(a => a.StartsWith("--peers=", StringComparison.Ordinal))["--peers=".Length..].Split(',');
            Assert.Equal(NodeServices.Where(n => n != name).Select(n => $"http://{n}:8001"), peers);
            Assert.Contains($"{name}-data:/data:rw", Strings(node["volumes"]));
            var environment = (YamlMappingNode)node["environment"];
            Assert.Equal("test-key", environment["TALLY_CLUSTER_KEY"].ToString());
            Assert.Equal("test-token", environment["TALLY_ADMIN_TOKEN"].ToString());
            Assert.Equal("tally-compose", environment["TALLY_CLUSTER_ID"].ToString());
        }
        var dashboard = (YamlMappingNode)services["dashboard"];
        var dashboardCommand = Strings(dashboard["command"]);
        Assert.Equal("dashboard", dashboardCommand[0]);
        Assert.Contains("--host=0.0.0.0", dashboardCommand);
        Assert.Contains($"--nodes={string.Join(',', NodeServices.Select(n => $"http://{n}:8001"))}", dashboardCommand);
        // Published on loopback only (docker-compose v1 keeps a short port syntax with an address as written).
        var port = ((YamlSequenceNode)dashboard["ports"])[0];
        Assert.Equal("127.0.0.1:8000:8000", port is YamlMappingNode m ? $"{m["host_ip"]}:{m["published"]}:{m["target"]}" : port.ToString().Replace("/tcp", "", StringComparison.Ordinal));
        var volumes = (YamlMappingNode)root["volumes"];
        Assert.All(NodeServices, n => Assert.True(volumes.Children.ContainsKey(n + "-data"), $"volume {n}-data must be declared"));
    }

    [Fact]
    public async Task ComposeFile_SecretsUnset_ConfigFailsNamingThem()
    {
        var (code, _, error) = await ComposeConfigAsync(new() { ["TALLY_CLUSTER_KEY"] = null, ["TALLY_ADMIN_TOKEN"] = null });
        Assert.True(code != 0, "docker-compose config must refuse to run without the secrets");
        Assert.Contains("TALLY_", error);
    }

    [Fact]
    public void Dockerfile_MultiStage_RunsAsNonRootLikeTheOfflineImage()
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "Dockerfile"));
        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, stages.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0", stages[0]);
        Assert.Equal("FROM ${BASE} AS run", stages[1]);
        Assert.Contains("ARG BASE=mcr.microsoft.com/dotnet/runtime-deps:10.0", lines);
        var runStage = RunStage(lines);
        Assert.Contains("USER app", runStage);
        Assert.Contains("ENTRYPOINT [\"/app/tally\"]", runStage);
        // The offline image (deploy/docker/Dockerfile.offline) must run the same way: same user, entry point, volume.
        var offline = RunStage(File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "deploy", "docker", "Dockerfile.offline")));
        Assert.Equal(runStage, offline);
    }

    /// <summary>The run stage's instructions after its COPY line (where the two Dockerfiles differ), comments left out.</summary>
    static List<string> RunStage(string[] lines) =>
        [.. lines.SkipWhile(l => l != "FROM ${BASE} AS run").SkipWhile(l => !l.StartsWith("COPY ", StringComparison.Ordinal)).Skip(1)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))];

    static List<string> Strings(YamlNode node) => [.. ((YamlSequenceNode)node).Children.Select(c => c.ToString())];

    static async Task<(int Code, string Output, string Error)> ComposeConfigAsync(Dictionary<string, string?> environment)
    {
        var exe = new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists);
        Assert.True(exe is not null,
            "docker-compose is not installed: the compose file is validated with Debian's docker-compose (apt-get install -y docker-compose; ./test.sh installs it).");
        var info = new ProcessStartInfo(exe)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestPaths.RepoRoot,
        };
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add(Path.Combine(TestPaths.RepoRoot, "docker-compose.yml"));
        info.ArgumentList.Add("config");
        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }
        using var process = Process.Start(info)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(cts.Token);
        var error = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        return (process.ExitCode, await output, await error);
    }
}
