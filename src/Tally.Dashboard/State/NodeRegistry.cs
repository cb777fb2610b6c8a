using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Tally.Dashboard.State;

/// <summary>The nodes the dashboard knows, keyed by normalized URL: configured, started by the supervisor, or found
/// in a node's member list. Also remembers which nodes the page has partitioned off.</summary>
public sealed class NodeRegistry
{
    readonly ConcurrentDictionary<string, string?> _nodes = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, byte> _partitioned = new(StringComparer.Ordinal);
    readonly int _max;

    public NodeRegistry(IOptions<DashboardOptions> options)
    {
        _max = options.Value.NodesMax;
        foreach (var url in options.Value.Nodes)
        {
            Add(url, null);
        }
    }

    /// <summary>Node URLs in ordinal order.</summary>
    public IReadOnlyList<string> Urls => [.. _nodes.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Adds a node; returns false if the URL is not absolute http(s) or the registry is full.</summary>
    public bool Add(string url, string? id)
    {
        if (Normalize(url) is not { } key)
        {
            return false;
        }
        if (_nodes.ContainsKey(key))
        {
            if (id is not null)
            {
                _nodes[key] = id;
            }
            return true;
        }
        return _nodes.Count < _max && _nodes.TryAdd(key, id);
    }

    public IReadOnlySet<string> Partitioned => _partitioned.Keys.ToHashSet(StringComparer.Ordinal);

    public void SetPartitioned(string url, bool partitioned)
    {
        var key = Normalize(url) ?? url;
        if (partitioned)
        {
            _partitioned[key] = 0;
        }
        else
        {
            _partitioned.TryRemove(key, out _);
        }
    }

    /// <summary>Scheme and host lower case, no trailing slash, default path: <c>http://Node1:8001/</c> and
    /// <c>http://node1:8001</c> are one node.</summary>
    public static string? Normalize(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant()
            : null;
}
