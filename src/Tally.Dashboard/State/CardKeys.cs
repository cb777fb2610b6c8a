namespace Tally.Dashboard.State;

/// <summary>The key of each node's card: its name, or <c>name@port</c> for nodes that share a name (a name conflict),
/// so two nodes never share a card or a control.</summary>
public static class CardKeys
{
    /// <summary>Card key by node URL.</summary>
    public static IReadOnlyDictionary<string, string> For(IReadOnlyList<(string Url, string? Name)> nodes)
    {
        var shared = nodes.Where(n => n.Name is not null).GroupBy(n => n.Name!, StringComparer.Ordinal)
            .Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return nodes.ToDictionary(n => n.Url, n => n.Name is null ? n.Url
            : shared.Contains(n.Name) ? $"{n.Name}@{PortOf(n.Url)}" : n.Name, StringComparer.Ordinal);
    }

    static string PortOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Authority : url;
}
