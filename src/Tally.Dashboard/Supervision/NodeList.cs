using System.Text.Json;

namespace Tally.Dashboard.Supervision;

/// <summary>The nodes of a <c>tally up</c> cluster, kept in <c>nodes.json</c> under the data root so that the next
/// <c>tally up</c> starts the nodes added from the dashboard too, and not the ones that left. Ids are <c>nK</c>; node K
/// listens on base port + K - 1.</summary>
public sealed record NodeList(IReadOnlyList<NodeList.Entry> Nodes)
{
    public const string FileName = "nodes.json";

    /// <param name="Left">The node left the cluster gracefully: it is not started again.</param>
    public sealed record Entry(string Id, bool Left);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The saved list, or an empty one when there is none yet.</summary>
    public static NodeList Load(string dataRoot)
    {
        var path = Path.Combine(dataRoot, FileName);
        if (!File.Exists(path))
        {
            return new([]);
        }
        var loaded = JsonSerializer.Deserialize<NodeList>(File.ReadAllText(path), Json);
        return loaded?.Nodes is null || loaded.Nodes.Any(n => IndexOf(n.Id) is null)
            ? throw new InvalidDataException($"{path} is not a node list of ids n1, n2, ...; fix it or delete it.")
            : loaded;
    }

    /// <summary>Writes the list atomically (a temporary file renamed over the old one).</summary>
    public void Save(string dataRoot)
    {
        var path = Path.Combine(dataRoot, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>K of an id <c>nK</c>; null for any other id.</summary>
    public static int? IndexOf(string id) =>
        id.Length > 1 && id[0] == 'n' && int.TryParse(id.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k) && k > 0
            ? k
            : null;
}
