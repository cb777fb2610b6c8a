namespace Tally.Dashboard.State;

/// <summary>Finds a node by what the page sends: its id (<c>n2</c>) or its URL.</summary>
public sealed class NodeLookup(NodeRegistry registry, ClusterState state, SupervisorAccess supervisor)
{
    public sealed record Found(string Url, string? Id);

    public Found? Find(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return null;
        }
        var url = NodeRegistry.Normalize(key);
        foreach (var u in registry.Urls)
        {
            var s = state.Get(u);
            if (u == url || s.Id == key)
            {
                return new(u, s.Id ?? supervisor.Supervisor?.Nodes.FirstOrDefault(n => NodeRegistry.Normalize(n.Url) == u)?.Id);
            }
        }
        var supervised = supervisor.Supervisor?.Nodes.FirstOrDefault(n => n.Id == key || NodeRegistry.Normalize(n.Url) == url);
        return supervised is null ? null : new(NodeRegistry.Normalize(supervised.Url) ?? supervised.Url, supervised.Id);
    }
}
