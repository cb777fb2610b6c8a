using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Tally.Node.Tests.Cluster;

namespace Tally.Node.Tests;

/// <summary>Nodes on HTTPS with mutual TLS, with certificates this test makes: peers of one CA gossip; a node whose
/// certificate comes from another CA is refused in both directions and learns nothing.</summary>
public sealed class TlsTests : IAsyncDisposable
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    readonly string _root = Path.Combine(Path.GetTempPath(), "tally-tls-tests", Guid.NewGuid().ToString("n"));
    readonly List<NodeProcess> _nodes = [];

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cluster_MutualTls_ConvergesAndRefusesPeerOfAnotherCa()
    {
        using var clusterCa = new TestCertificates("cluster", Path.Combine(_root, "certs"));
        using var otherCa = new TestCertificates("other", Path.Combine(_root, "certs"));
        var n1 = Node("n1", clusterCa);
        var n2 = Node("n2", clusterCa);
        var stranger = Node("n3", otherCa);
        n1.Peers.Add(n2.Url);
        n2.Peers.Add(n1.Url);
        stranger.Peers.AddRange([n1.Url, n2.Url]);
        // The stranger trusts the cluster's CA: only its own certificate is wrong, so the refusal is the cluster's.
        stranger.Arguments[stranger.Arguments.IndexOf("--tls-ca") + 1] = clusterCa.CaPath;
        _nodes.AddRange([n1, n2, stranger]);
        using var client = Client(null, clusterCa, otherCa);
        foreach (var node in _nodes)
        {
            node.Start();
        }
        await n1.WaitForHealthAsync(client, HttpStatusCode.OK, Timeout);
        await n2.WaitForHealthAsync(client, HttpStatusCode.OK, Timeout);

        using (var views = await client.PostAsync($"{n1.Url}/videos/tls/views", Http.Json("""{"amount": 5}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, views.StatusCode);
        }
        await WaitAsync(async () => await CountAsync(client, n2, "tls") == 5, "n2 must learn n1's 5 views over mutual TLS", n2);

        // Without a client certificate the cluster key is not enough for node-to-node routes.
        using (var noCertificate = await client.SendAsync(Gossip(n1), Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, noCertificate.StatusCode);
        }
        // A client certificate of another CA is refused at the handshake.
        using (var strangerClient = Client(TestCertificates.Load(otherCa.Issue("stranger-client")), clusterCa))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => strangerClient.SendAsync(Gossip(n1), Ct));
        }
        // The cluster's certificate passes the handshake and the policy (the empty body is then refused as bad input).
        using (var memberClient = Client(TestCertificates.Load(clusterCa.Issue("member-client")), clusterCa))
        using (var member = await memberClient.SendAsync(Gossip(n1), Ct))
        {
            Assert.NotEqual(HttpStatusCode.Forbidden, member.StatusCode);
            Assert.NotEqual(HttpStatusCode.Unauthorized, member.StatusCode);
        }

        // The stranger keeps trying (its sends fail) and neither side ever counts the other as a member.
        await WaitAsync(async () => await FailedSendsAsync(client, stranger) >= 5, "the stranger's gossip must fail at the TLS handshake", stranger);
        using (var late = await client.PostAsync($"{n2.Url}/videos/tls/views", Http.Json("""{"amount": 2}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        }
        await WaitAsync(async () => await CountAsync(client, n1, "tls") == 7, "n1 must learn n2's 2 views", n1);
        foreach (var member in new[] { n1, n2 })
        {
            var ids = await MemberIdsAsync(client, member);
            Assert.True(!ids.Contains("n3"), $"{member.Id} must not admit the node with another CA's certificate: {string.Join(", ", ids)}");
        }
        Assert.Equal(["n3"], await MemberIdsAsync(client, stranger));
    }

    NodeProcess Node(string id, TestCertificates ca)
    {
        var (certificate, key) = ca.Issue(id);
        var node = new NodeProcess(id, _root, [], TimeSpan.FromMilliseconds(100), scheme: "https");
        node.Arguments.AddRange(["--tls-cert", certificate, "--tls-key", key, "--tls-ca", ca.CaPath, "--tls-client-cert-required"]);
        return node;
    }

    /// <summary>A test client: trusts servers whose certificate (for 127.0.0.1) comes from one of <paramref name="cas"/>,
    /// and presents <paramref name="certificate"/> if given.</summary>
    static HttpClient Client(X509Certificate2? certificate, params TestCertificates[] cas)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(10) };
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        foreach (var ca in cas)
        {
            policy.CustomTrustStore.Add(ca.Authority);
        }
        handler.SslOptions.CertificateChainPolicy = policy;
        if (certificate is not null)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    static HttpRequestMessage Gossip(NodeProcess node) => new(HttpMethod.Post, $"{node.Url}/internal/gossip")
    {
        Content = new ByteArrayContent([]),
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", NodeProcess.ClusterKey) },
    };

    static async Task<ulong> CountAsync(HttpClient client, NodeProcess node, string video)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync($"{node.Url}/videos/{video}", Ct));
        return document.RootElement.GetProperty("count").GetUInt64();
    }

    static async Task<List<string>> MemberIdsAsync(HttpClient client, NodeProcess node)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync($"{node.Url}/cluster", Ct));
        return [.. document.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
    }

    /// <summary>The node's count of gossip messages it failed to deliver, from its Prometheus metrics.</summary>
    static async Task<double> FailedSendsAsync(HttpClient client, NodeProcess node)
    {
        var metrics = await client.GetStringAsync($"{node.Url}/metrics", Ct);
        return metrics.Split('\n')
            .Where(l => l.StartsWith("tally_gossip_dropped", StringComparison.Ordinal) && l.Contains("reason=\"failed\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    static async Task WaitAsync(Func<Task<bool>> condition, string what, NodeProcess node)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Timeout)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"{what} within {Timeout}.\n--- {node.Id}\n{node.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
