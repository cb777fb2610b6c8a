using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tally.Node.Tests.Cluster;

/// <summary>Nodes started as processes by one test, with a shared data root that is deleted at the end. Each node is
/// given every other node as a peer. Every wait is bounded.</summary>
sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    // Bounds, not expectations: every wait ends as soon as its condition holds (a second or two on an idle machine). A
    // loaded machine (load average 40-70 on 2 cores was seen) needs far longer, and must make the suite slower, not red.
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(120);

    readonly string _root = Path.Combine(Path.GetTempPath(), "tally-node-tests", Guid.NewGuid().ToString("n"));

    public TestCluster()
    {
        Client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public HttpClient Client { get; }

    public List<NodeProcess> Nodes { get; } = [];

    /// <summary>Environment given to every node started from now on. Every node is given the cluster id (as
    /// <c>tally up</c> does, since every node lists the others as peers); remove it to let a node without peers make one.</summary>
    public Dictionary<string, string> Environment { get; } = new() { ["TALLY_CLUSTER_ID"] = "it-cluster" };

    public NodeProcess this[string id] => Nodes.Single(n => n.Id == id);

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts <paramref name="count"/> nodes n1..nN, each with all others as peers, and waits until all are ready.</summary>
    /// <param name="interval">The gossip interval (default <see cref="Interval"/>).</param>
    public async Task StartAsync(int count, string durability = "fsync", TimeSpan? interval = null)
    {
        var nodes = Enumerable.Range(1, count).Select(i => new NodeProcess($"n{i}", _root, [], interval ?? Interval, durability)).ToList();
        foreach (var node in nodes)
        {
            foreach (var (key, value) in Environment)
            {
                node.Environment[key] = value;
            }
        }
        foreach (var node in nodes)
        {
            node.Peers.AddRange(nodes.Where(n => n != node).Select(n => n.Url));
        }
        Nodes.AddRange(nodes);
        foreach (var node in nodes)
        {
            node.Start();
        }
        await Task.WhenAll(nodes.Select(n => n.WaitForHealthAsync(Client, HttpStatusCode.OK, StartTimeout)));
        await WaitForMeshAsync(nodes);
    }

    /// <summary>Waits until every node knows every other as alive and synced.</summary>
    public async Task WaitForMeshAsync(IReadOnlyList<NodeProcess> nodes)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var complete = true;
            foreach (var node in nodes)
            {
                var cluster = await GetAsync(node, "/cluster");
                var members = cluster.GetProperty("members").EnumerateArray()
                    .Where(m => m.GetProperty("status").GetString() == "alive" && m.GetProperty("synced").GetBoolean()).Count();
                complete &= cluster.GetProperty("phase").GetString() == "ready" && members == nodes.Count;
            }
            if (complete)
            {
                return;
            }
            if (clock.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"The nodes did not all meet within {StartTimeout}.");
            }
            await Task.Delay(Interval, Ct);
        }
    }

    /// <summary>Adds a node that joins through <paramref name="peers"/> (not known to the others in advance).</summary>
    public NodeProcess Add(string id, params NodeProcess[] peers) => Add(id, dataName: null, peers);

    /// <summary>Adds a node named <paramref name="id"/> with its data in <paramref name="dataName"/> (a second process
    /// with a name already running needs its own directory).</summary>
    public NodeProcess Add(string id, string? dataName, params NodeProcess[] peers)
    {
        var node = new NodeProcess(id, _root, [.. peers.Select(p => p.Url)], Interval, dataName: dataName);
        foreach (var (key, value) in Environment)
        {
            node.Environment[key] = value;
        }
        Nodes.Add(node);
        node.Start();
        return node;
    }

    public async Task<JsonElement> GetAsync(NodeProcess node, string path)
    {
        using var response = await Client.GetAsync(node.Url + path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {node.Id}{path} must succeed: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<HttpResponseMessage> AdminAsync(NodeProcess node, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, node.Url + path)
        {
            Content = json is null ? null : Http.Json(json),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", NodeProcess.AdminToken) },
        };
        return await Client.SendAsync(request, Ct);
    }

    /// <summary>Drops gossip between the two groups, on every node of both (the faults route), or heals with empty groups.</summary>
    public async Task PartitionAsync(IReadOnlyList<NodeProcess> a, IReadOnlyList<NodeProcess> b)
    {
        foreach (var (side, other) in new[] { (a, b), (b, a) })
        {
            foreach (var node in side)
            {
                var drop = JsonSerializer.Serialize(other.Select(o => o.Url).ToArray());
                using var response = await AdminAsync(node, HttpMethod.Post, "/admin/faults", $$"""{"drop":{{drop}}}""");
                Assert.True(response.IsSuccessStatusCode, $"setting faults on {node.Id} must succeed: {(int)response.StatusCode}");
            }
        }
    }

    public async Task HealAsync(IEnumerable<NodeProcess> nodes)
    {
        foreach (var node in nodes)
        {
            using var response = await AdminAsync(node, HttpMethod.Delete, "/admin/faults");
            Assert.True(response.IsSuccessStatusCode, $"healing {node.Id} must succeed");
        }
    }

    /// <summary>Waits until every node in <paramref name="nodes"/> reports, for every video, a count that
    /// <paramref name="accept"/> takes and that all nodes agree on. Returns the agreed counts.</summary>
    public async Task<Dictionary<string, ulong>> WaitForAgreementAsync(IReadOnlyList<NodeProcess> nodes, IReadOnlyCollection<string> videos,
        Func<string, ulong, bool> accept)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < ConvergeTimeout)
        {
            var counts = new Dictionary<string, ulong>();
            var agreed = true;
            var report = new List<string>();
            foreach (var video in videos)
            {
                var seen = new List<ulong>();
                foreach (var node in nodes)
                {
                    seen.Add((await GetAsync(node, $"/videos/{video}")).GetProperty("count").GetUInt64());
                }
                agreed &= seen.Distinct().Count() == 1 && accept(video, seen[0]);
                counts[video] = seen[0];
                report.Add($"{video}: [{string.Join(", ", seen)}]");
            }
            if (agreed)
            {
                return counts;
            }
            last = string.Join("; ", report);
            await Task.Delay(Interval, Ct);
        }
        var output = string.Join("\n", nodes.Select(n => $"--- {n.Id}\n{n.Output}"));
        throw new TimeoutException($"The nodes did not converge within {ConvergeTimeout}. Last counts: {last}\n{output}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
        Client.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
