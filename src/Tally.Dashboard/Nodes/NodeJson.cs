using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tally.Dashboard.Nodes;

/// <summary>Reads the node's JSON. Lenient about what it does not need (extra fields, number or string enums, the
/// identity fields of newer nodes), strict about what it does: a missing id or count is a <see cref="JsonException"/>.
/// Counts may be JSON numbers of any size or decimal strings.</summary>
static class NodeJson
{
    public static ClusterInfo ParseCluster(JsonNode json)
    {
        var nodeId = String(json, "name", "nodeId", "id") ?? throw new JsonException("GET /cluster has no nodeId.");
        var replicaId = String(json, "replicaId");
        var members = new List<MemberInfo>();
        if (json["members"] is JsonArray array)
        {
            foreach (var m in array.OfType<JsonObject>())
            {
                var id = String(m, "name", "id", "nodeId");
                if (id is null)
                {
                    continue;
                }
                var url = String(m, "url", "address") ?? "";
                var status = Status(m["status"]);
                var last = Time(m, "lastExchange", "lastContact", "lastHeard");
                var memberReplica = String(m, "replicaId");
                var isSelf = Bool(m, "self", "isSelf")
                    ?? (memberReplica is not null && replicaId is not null ? memberReplica == replicaId : id == nodeId);
                members.Add(new(id, url, status, last, isSelf, memberReplica, Bool(m, "nameConflict") ?? false));
            }
        }
        return new(nodeId, members, String(json, "clusterId"), replicaId, String(json, "phase")?.ToLowerInvariant(),
            Bool(json, "nameConflict") ?? false);
    }

    public static VideoInfo ParseVideo(JsonNode json, string videoId) =>
        new(String(json, "videoId") ?? videoId, Count(json["total"]), Count(json["count"]), Entries(json["replicas"]))
        {
            Names = Entries(json["names"]),
        };

    static Dictionary<string, BigInteger> Entries(JsonNode? node)
    {
        var entries = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (key, value) in o)
            {
                entries[key] = Count(value);
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
            .Select(v => new VideoCount(v.Id!, Count(v.Count)))];
    }

    public static JsonObject FaultsBody(IReadOnlyCollection<string> dropPeers) =>
        new() { ["drop"] = new JsonArray([.. dropPeers.Select(p => (JsonNode)JsonValue.Create(p))]) };

    /// <summary>A count: a JSON number (exact at any size: read from its text) or a string of decimal digits.</summary>
    public static BigInteger Count(JsonNode? node)
    {
        var text = node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => null,
        };
        return text is not null && BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new JsonException($"Expected a count, got '{node?.ToJsonString() ?? "nothing"}'.");
    }

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

    static bool? Bool(JsonNode node, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (node[name] is JsonValue v && v.TryGetValue<bool>(out var b))
            {
                return b;
            }
        }
        return null;
    }

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
