using System.Diagnostics;
using System.Security.Cryptography;
using Tally.Launcher;

namespace Tally.Benchmarks.Convergence;

/// <summary><paramref name="size"/> <c>tally node</c> processes on 127.0.0.1, each with every other as a peer, a
/// temporary data directory and a generated cluster key and admin token. Disposing kills exactly these processes and
/// deletes the directories.</summary>
sealed class LocalCluster(string cliPath, int size, TimeSpan gossipInterval) : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("tally-convergence-").FullName;
    readonly List<LocalNode> _nodes = [];

    public IReadOnlyList<LocalNode> Nodes => _nodes;

    public TimeSpan GossipInterval { get; } = gossipInterval;

    public void Start()
    {
        var clusterKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var adminToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        for (var i = 1; i <= size; i++)
        {
            var id = $"n{i}";
            _nodes.Add(new LocalNode(cliPath, id, FreePorts.Any(), Path.Combine(_root, id)));
        }
        foreach (var node in _nodes)
        {
            node.Start(_nodes.Where(n => n != node).Select(n => n.Url), GossipInterval, clusterKey, adminToken);
        }
    }

    /// <summary>Until every node is ready (loaded, recovered) and sees all <c>size</c> members alive.</summary>
    public async Task WaitReadyAsync(NodeClient client, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            ThrowIfExited();
            var ready = true;
            foreach (var node in _nodes)
            {
                ready = ready && await client.IsReadyAsync(node, ct) && (await client.GetClusterAsync(node, ct)).Alive == size;
            }
            if (ready)
            {
                return;
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The cluster was not ready after {timeout.TotalSeconds:0} s.");
            }
            await Task.Delay(200, ct);
        }
    }

    public void ThrowIfExited()
    {
        if (_nodes.FirstOrDefault(n => n.HasExited) is { } gone)
        {
            throw new InvalidOperationException($"Node {gone.Id} exited; its last output:\n{gone.Output}");
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary directory.
        }
    }
}
