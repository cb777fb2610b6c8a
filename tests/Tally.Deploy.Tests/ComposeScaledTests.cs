using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;

namespace Tally.Deploy.Tests;

/// <summary><c>deploy/compose/scaled.yml</c> with its TLS override: one service scaled to 3 replicas that find each
/// other only through DNS (<c>--peers-dns node:8001</c>), name themselves after their host name and talk mutual TLS
/// with certificates from <c>deploy/tls/make-certs.sh</c>; scaled to 4, the new replica joins.</summary>
public sealed class ComposeScaledTests(OfflineImage image) : IDisposable
{
    static readonly string[] Videos = ["scaled-a", "scaled-b"];
    readonly string _certificates = Path.Combine(Path.GetTempPath(), "tally-deploy-tls", Guid.NewGuid().ToString("n"));
    readonly Dictionary<string, ulong> _acknowledged = Videos.ToDictionary(v => v, _ => 0UL);

    [Fact]
    public async Task ScaledService_DnsDiscoveryOverMutualTls_ConvergesAndTakesInANewReplica()
    {
        image.Require();
        var clock = Stopwatch.StartNew();
        await Command.CheckAsync("bash", [Path.Combine(Repo.Root, "deploy", "tls", "make-certs.sh"), _certificates], TimeSpan.FromMinutes(2),
            ct: TestContext.Current.CancellationToken);
        await using var compose = new ComposeProject(["deploy/compose/scaled.yml", "deploy/compose/scaled.tls.yml"],
            new() { ["TALLY_TLS_DIR"] = _certificates });
        using var client = Client();

        await compose.RunAsync("up", "-d", "--scale", "node=3");
        var nodes = await NodesAsync(compose, client, 3);
        await WaitForMeshAsync(compose, nodes);
        await SendAsync(nodes, 1);
        await WaitForExactCountsAsync(compose, nodes);

        await compose.RunAsync("up", "-d", "--scale", "node=4");
        nodes = await NodesAsync(compose, client, 4);
        await WaitForMeshAsync(compose, nodes);
        await SendAsync(nodes, 2);
        await WaitForExactCountsAsync(compose, nodes);
        TestContext.Current.SendDiagnosticMessage($"scaled compose test: {clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>The service's containers, each by its published port; a replica's node id is its host name, which
    /// Docker sets to the first 12 characters of the container id.</summary>
    static async Task<List<NodeApi>> NodesAsync(ComposeProject compose, HttpClient client, int expected)
    {
        var containers = await compose.ContainersAsync("node");
        Assert.Equal(expected, containers.Count);
        var nodes = new List<NodeApi>();
        foreach (var container in containers)
        {
            nodes.Add(new NodeApi(client, container[..12], $"https://127.0.0.1:{await ComposeProject.PublishedPortAsync(container)}"));
        }
        return nodes;
    }

    static async Task WaitForMeshAsync(ComposeProject compose, IReadOnlyList<NodeApi> nodes)
    {
        var ids = nodes.Select(n => n.Name).ToHashSet();
        foreach (var node in nodes)
        {
            await Wait.UntilAsync(async () => await node.IsHealthyAsync() && (await node.AliveMembersAsync()).SetEquals(ids),
                $"replica {node.Name} must be ready and find all {ids.Count} replicas through DNS ({string.Join(", ", ids)})", compose.LogsAsync);
        }
    }

    async Task SendAsync(IReadOnlyList<NodeApi> nodes, int round)
    {
        foreach (var (node, i) in nodes.Select((n, i) => (n, i)))
        {
            foreach (var video in Videos)
            {
                var amount = (ulong)(round * 100 + i + 1);
                Assert.True(await node.SendViewsAsync(video, amount), $"replica {node.Name} must acknowledge views");
                _acknowledged[video] += amount;
            }
        }
    }

    async Task WaitForExactCountsAsync(ComposeProject compose, IReadOnlyList<NodeApi> nodes)
    {
        var seen = "";
        await Wait.UntilAsync(async () =>
        {
            var counts = new List<string>();
            var exact = true;
            foreach (var video in Videos)
            {
                foreach (var node in nodes)
                {
                    var (_, count) = await node.VideoAsync(video);
                    exact &= count == _acknowledged[video];
                    counts.Add($"{node.Name}/{video}={count}");
                }
            }
            seen = string.Join(", ", counts);
            return exact;
        }, "every replica's count must equal the acknowledged views", async () => $"seen {seen}\n{await compose.LogsAsync()}");
    }

    /// <summary>Trusts only the cluster's CA (and checks the name: the certificate is for 127.0.0.1).</summary>
    HttpClient Client()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) };
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_certificates, "ca.pem")));
        handler.SslOptions.CertificateChainPolicy = policy;
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_certificates, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
