using System.Collections.Concurrent;

namespace Tally.Dashboard.State;

/// <summary>The latest <see cref="NodeState"/> of every polled node; written by the poller, read by the push loop and
/// the API.</summary>
public sealed class ClusterState
{
    readonly ConcurrentDictionary<string, NodeState> _states = new(StringComparer.Ordinal);

    public NodeState Get(string url) => _states.TryGetValue(url, out var s) ? s : NodeState.Unknown(url);

    public void Set(NodeState state) => _states[state.Url] = state;

    public IReadOnlyDictionary<string, NodeState> All => _states;
}
