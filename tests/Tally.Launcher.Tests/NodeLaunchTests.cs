namespace Tally.Launcher.Tests;

/// <summary><see cref="NodeLaunch"/>: the <c>tally node</c> command line, and secrets in the environment only (a
/// command line is visible to every user through <c>ps</c> and <c>/proc</c>).</summary>
public sealed class NodeLaunchTests
{
    static readonly TallyLauncher Tally = new("dotnet", ["/opt/tally/tally.dll"]);

    [Fact]
    public void CommandLine_NamesIdListenAndData_ForAFirstNode() =>
        Assert.Equal(["node", "--id", "n1", "--listen", "http://127.0.0.1:20001", "--data", "/data/n1"],
            new NodeLaunch("n1", "http://127.0.0.1:20001", "/data/n1").CommandLine());

    [Fact]
    public void CommandLine_AddsPeersIntervalDurability_ThenExtraArgumentsLast()
    {
        var launch = new NodeLaunch("n2", "http://127.0.0.1:20002", "/data/n2")
        {
            Peers = ["http://127.0.0.1:20001", "http://127.0.0.1:20003"],
            GossipInterval = TimeSpan.FromMilliseconds(250),
            Durability = "fsync",
            Arguments = ["--tls-cert", "/certs/n2.pem"],
        };

        Assert.Equal(
            ["node", "--id", "n2", "--listen", "http://127.0.0.1:20002", "--data", "/data/n2",
                "--peers", "http://127.0.0.1:20001,http://127.0.0.1:20003", "--gossip-interval", "250ms",
                "--durability", "fsync", "--tls-cert", "/certs/n2.pem"],
            launch.CommandLine());
    }

    [Fact]
    public void StartInfo_PutsSecretsInTheEnvironment_NeverOnTheCommandLine()
    {
        var launch = new NodeLaunch("n1", "http://127.0.0.1:20001", "/data/n1")
        {
            ClusterKey = "secret-cluster-key",
            AdminToken = "secret-admin-token",
            ClusterId = "cluster-7",
            Environment = new Dictionary<string, string> { ["TALLY_Replication__SuspectAfter"] = "00:00:05" },
        };

        var info = launch.StartInfo(Tally);

        Assert.DoesNotContain(info.ArgumentList, a => a.Contains("secret", StringComparison.Ordinal) || a.Contains("cluster-7", StringComparison.Ordinal));
        Assert.DoesNotContain("secret", info.Arguments, StringComparison.Ordinal);
        Assert.Equal("secret-cluster-key", info.Environment["TALLY_CLUSTER_KEY"]);
        Assert.Equal("secret-admin-token", info.Environment["TALLY_ADMIN_TOKEN"]);
        Assert.Equal("cluster-7", info.Environment["TALLY_CLUSTER_ID"]);
        Assert.Equal("00:00:05", info.Environment["TALLY_Replication__SuspectAfter"]);
    }

    [Fact]
    public void StartInfo_RunsTheLaunchersLeadingArgumentsFirst_WithOutputRedirected_InTheWorkingDirectory()
    {
        var info = new NodeLaunch("n1", "http://127.0.0.1:20001", "/data/n1") { WorkingDirectory = "/work/n1" }.StartInfo(Tally);

        Assert.Equal("dotnet", info.FileName);
        Assert.Equal(["/opt/tally/tally.dll", "node", "--id", "n1"], info.ArgumentList.Take(4));
        Assert.True(info.RedirectStandardOutput);
        Assert.True(info.RedirectStandardError);
        Assert.False(info.UseShellExecute);
        Assert.Equal("/work/n1", info.WorkingDirectory);
    }
}
