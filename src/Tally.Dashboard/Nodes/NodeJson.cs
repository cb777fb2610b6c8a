using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tally.Dashboard.Nodes;

/// <summary>Reads the node's JSON. Lenient about what it does not need (extra fields, number or string enums), strict
/// about what it does: a missing id or count is a <see cref="JsonException"/>.</summary>
static class NodeJson
{
    public static ClusterInfo ParseCluster(JsonNode json)
    {
        var nodeId = String(json, "nodeId", "id") ?? throw new JsonException("GET /cluster has no nodeId.");
        var members = new List<MemberInfo>();
        if (json["members"] is JsonArray array)
        {
            foreach (var m in array.OfType<JsonObject>())
            {
                var id = String(m, "id", "nodeId");
                if (id is null)
                {
                    continue;
                }
                var url = String(m, "url", "address") ?? "";
                var status = Status(m["status"]);
                var last = Time(m, "lastExchange", "lastContact", "lastHeard");
                var isSelf = (m["self"] ?? m["isSelf"]) is JsonValue s && s.TryGetValue<bool>(out var b) ? b : id == nodeId;
                members.Add(new(id, url, status, last, isSelf)
                {
                    ReplicaId = String(m, "replicaId") ?? id,
                    NameConflict = Bool(m, "nameConflict"),
                });
            }
        }
        return new(nodeId, members)
        {
            ReplicaId = String(json, "replicaId"),
            ClusterId = String(json, "clusterId"),
            NameConflict = Bool(json, "nameConflict"),
        };
    }

    public static VideoInfo ParseVideo(JsonNode json, string videoId)
    {
        return new(String(json, "videoId") ?? videoId, Number(json["total"]), Number(json["count"]), Entries(json["replicas"]))
        {
            Names = Entries(json["names"]),
        };
    }

    static Dictionary<string, long> Entries(JsonNode? node)
    {
        var entries = new Dictionary<string, long>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (key, value) in o)
            {
                entries[key] = Number(value);
            }
        }
        return entries;
    }

    /// <summary>One page of <c>GET /videos</c>: the videos and the cursor of the next page (null on the last).</summary>
    public static (IReadOnlyList<VideoCount> Videos, string? Next) ParseVideoPage(JsonNode json) =>
        (ParseVideoList(json), String(json, "next"));

    public static IReadOnlyList<VideoCount> ParseVideoList(JsonNode json)
    {
        var items = json as JsonArray ?? json["videos"] as JsonArray ?? json["items"] as JsonArray ?? [];
        return [.. items.OfType<JsonObject>()
            .Select(v => (Id: String(v, "videoId", "id"), Count: v["count"]))
            .Where(v => v.Id is not null && v.Count is not null)
            .Select(v => new VideoCount(v.Id!, Number(v.Count)))];
    }

    public static JsonObject FaultsBody(IReadOnlyCollection<string> dropPeers) =>
        new() { ["drop"] = new JsonArray([.. dropPeers.Select(p => (JsonNode)JsonValue.Create(p))]) };

    static string? String(JsonNode node, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (node[name] is JsonValue v && v.TryGetValue<string>(out var s))
            {
                return s;
            }
        }
        return null;
    }

    static bool Bool(JsonNode node, string name) => node[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    static long Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n)
        ? n
        : throw new JsonException($"Expected a number, got '{node?.ToJsonString() ?? "nothing"}'.");

    static DateTimeOffset? Time(JsonNode node, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (node[name] is JsonValue v && v.TryGetValue<string>(out var s)
                && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t))
            {
                return t;
            }
        }
        return null;
    }

    static string Status(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s.ToLowerInvariant(),
        JsonValue v when v.TryGetValue<int>(out var i) => i switch { 0 => "alive", 1 => "suspect", 2 => "down", 3 => "left", _ => "unknown" },
        _ => "unknown",
    };
}
