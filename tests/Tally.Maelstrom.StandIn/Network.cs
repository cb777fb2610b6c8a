using System.Diagnostics;
using System.Text.Json;

namespace Tally.Maelstrom.StandIn;

/// <summary>The simulated network (maelstrom/net.clj): every message gets an id and a deadline (latency drawn per
/// message, 0 when a client is involved) and goes to its receiver's queue; a receiver drops a message whose source it
/// has a grudge against when it takes the message off its queue (<see cref="IsCut"/>). Partitions only ever name nodes,
/// so clients always reach them. Counts messages and bytes between nodes.</summary>
sealed class Network(StandInOptions options, Random random)
{
    readonly Lock _lock = new();
    readonly Dictionary<string, IEndpoint> _endpoints = [];
    readonly HashSet<string> _servers = [];
    Dictionary<string, HashSet<string>> _grudge = [];
    long _nextId;

    public NetworkStats Stats { get; } = new();

    public void AddServer(string id, IEndpoint endpoint)
    {
        lock (_lock)
        {
            _endpoints[id] = endpoint;
            _servers.Add(id);
        }
    }

    public void AddClient(string id, IEndpoint endpoint)
    {
        lock (_lock)
        {
            _endpoints[id] = endpoint;
        }
    }

    public void RemoveClient(string id)
    {
        lock (_lock)
        {
            _endpoints.Remove(id);
        }
    }

    /// <summary>Sends one message. <paramref name="lineBytes"/> is the size of the line the sender wrote. Returns an
    /// error for a message Maelstrom would reject (an unknown source or destination).</summary>
    public string? Send(string src, string dest, JsonElement body, int lineBytes)
    {
        IEndpoint? endpoint;
        Envelope envelope;
        lock (_lock)
        {
            var serverToServer = _servers.Contains(src) && _servers.Contains(dest);
            if (!_endpoints.ContainsKey(src) && !_servers.Contains(src))
            {
                return $"invalid source {src}";
            }
            if (!_endpoints.TryGetValue(dest, out endpoint))
            {
                if (_servers.Contains(src) && dest.StartsWith('c'))
                {
                    Stats.ToClosedClients++; // a late reply to a client that timed out and was replaced
                    return null;
                }
                return $"invalid destination {dest}";
            }
            var latency = serverToServer ? DrawLatencyMs() : 0;
            envelope = new Envelope(++_nextId, src, dest, body, Stopwatch.GetTimestamp() + (long)(latency * Stopwatch.Frequency / 1000));
            if (serverToServer)
            {
                Stats.Messages++;
                Stats.Bytes += lineBytes;
            }
        }
        endpoint.Enqueue(envelope);
        return null;
    }

    /// <summary>True when <paramref name="dest"/> now drops messages from <paramref name="src"/>; counts the drop.</summary>
    public bool IsCut(string src, string dest)
    {
        lock (_lock)
        {
            var cut = _grudge.TryGetValue(dest, out var from) && from.Contains(src);
            if (cut)
            {
                Stats.DroppedByPartition++;
            }
            return cut;
        }
    }

    /// <summary>Applies a grudge: each node drops messages from the nodes listed for it (jepsen's drop-all!).</summary>
    public void Partition(IReadOnlyDictionary<string, IReadOnlySet<string>> grudge)
    {
        lock (_lock)
        {
            foreach (var (dest, sources) in grudge)
            {
                if (!_grudge.TryGetValue(dest, out var set))
                {
                    _grudge[dest] = set = [];
                }
                set.UnionWith(sources);
            }
        }
    }

    public void Heal()
    {
        lock (_lock)
        {
            _grudge = [];
        }
    }

    public NetworkStats Snapshot()
    {
        lock (_lock)
        {
            return Stats with { };
        }
    }

    public double NextDouble()
    {
        lock (_lock)
        {
            return random.NextDouble();
        }
    }

    double DrawLatencyMs() => options.LatencyDistribution switch
    {
        LatencyDistribution.Uniform => random.Next(0, (int)(2 * options.LatencyMeanMs) + 1),
        LatencyDistribution.Exponential => -options.LatencyMeanMs * Math.Log(1 - random.NextDouble()),
        _ => options.LatencyMeanMs,
    };
}

/// <summary>Traffic counts. Messages and bytes are those between nodes (not clients), as sent; bytes are the stdout
/// lines the senders wrote, newline included.</summary>
internal sealed record NetworkStats
{
    public long Messages { get; set; }
    public long Bytes { get; set; }
    public long DroppedByPartition { get; set; }
    public long ToClosedClients { get; set; }
}
