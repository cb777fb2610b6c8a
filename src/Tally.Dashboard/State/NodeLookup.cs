namespace Tally.Dashboard.State;

/// <summary>Finds a node by what the page sends: its card key (<c>n2</c>, or <c>n2@127.0.0.1:8002</c> when two nodes
/// share a name) or its URL.</summary>
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
        var supervised = supervisor.Supervisor?.Nodes ?? [];
        string? NameOf(string u) => state.Get(u).Id ?? supervised.FirstOrDefault(n => NodeRegistry.Normalize(n.Url) == u)?.Id;
        var urls = registry.Urls;
        var keys = CardKeys.For([.. urls.Select(u => (u, NameOf(u)))]);
        foreach (var u in urls)
        {
            if (u == url || keys[u] == key)
            {
                return new(u, NameOf(u));
            }
        }
        var process = supervised.FirstOrDefault(n => n.Id == key || NodeRegistry.Normalize(n.Url) == url);
        return process is null ? null : new(NodeRegistry.Normalize(process.Url) ?? process.Url, process.Id);
    }
}
