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
        var port = (YamlMappingNode)((YamlSequenceNode)dashboard["ports"])[0];
        Assert.Equal("8000", port["published"].ToString());
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
    public void Dockerfile_MultiStage_RunsAsNonRootOnAspNetRuntime()
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "Dockerfile"));
        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, stages.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0", stages[0]);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", stages[1]);
        var runStage = lines.SkipWhile(l => l != stages[1]).ToList();
        Assert.Contains("USER app", runStage);
        Assert.Contains(runStage, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && l.Contains("tally.dll", StringComparison.Ordinal));
    }

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
