using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tally.Crdt.Serialization;

/// <summary>The JSON encoding of counters and maps, for people and tools:
/// <c>{"version":1,"entries":{"n1":5}}</c> for a counter and
/// <c>{"version":1,"videos":{"v1":{"n1":5,"n2":3}}}</c> for a map (state or delta). Keys are written in ordinal
/// order; duplicate keys, negative, fractional, non-numeric or overflowing numbers and unknown versions are
/// rejected with <see cref="CrdtFormatException"/>. The caller bounds the input size.</summary>
public static class CrdtJson
{
    // Start from the context's generated options (camelCase names, unknown members disallowed): options built from
    // scratch would replace them, writing "Version" and accepting unknown properties.
    static readonly JsonSerializerOptions Options = new(CrdtJsonContext.Default.Options)
    {
        AllowDuplicateProperties = false,
    };

    static readonly CrdtJsonContext Context = new(Options);

    public static string Encode(GCounter counter) =>
        JsonSerializer.Serialize(new CounterDocument(CrdtBinary.FormatVersion, Entries(counter)), Context.CounterDocument);

    public static string Encode(CounterMap map)
    {
        var videos = new SortedDictionary<string, SortedDictionary<string, ulong>?>(StringComparer.Ordinal);
        for (var slot = 0; slot < map.Count; slot++)
        {
            videos[map.KeyAt(slot)] = Entries(map.CounterAt(slot));
        }
        return JsonSerializer.Serialize(new MapDocument(CrdtBinary.FormatVersion, videos), Context.MapDocument);
    }

    public static GCounter DecodeCounter(string json, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var document = Parse(json, Context.CounterDocument);
        RequireVersion(document.Version);
        var entries = document.Entries ?? throw Invalid("'entries' is missing");
        return Guard(() => GCounter.FromEntries(ParseEntries(entries, limits, "the counter")));
    }

    public static CounterMap DecodeMap(string json, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var document = Parse(json, Context.MapDocument);
        RequireVersion(document.Version);
        var videos = document.Videos ?? throw Invalid("'videos' is missing");
        if (videos.Count > limits.MaxVideos)
        {
            throw Invalid($"{videos.Count} videos exceed the limit of {limits.MaxVideos}");
        }
        var map = new CounterMap(videos.Count);
        var replicas = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, entries) in videos)
        {
            if (!VideoId.TryParse(key, out var video))
            {
                throw Invalid($"invalid video id '{ReplicaId.Truncate(key)}'");
            }
            if (entries is null)
            {
                throw Invalid($"video '{video}' has no entries object");
            }
            foreach (var (replica, value) in ParseEntries(entries, limits, $"video '{video}'"))
            {
                if (replicas.Add(replica.Value) && replicas.Count > limits.MaxReplicas)
                {
                    throw Invalid($"more than {limits.MaxReplicas} replicas");
                }
                Guard(() => map.Join(video, replica, value));
            }
        }
        return map;
    }

    static List<KeyValuePair<ReplicaId, ulong>> ParseEntries(SortedDictionary<string, ulong> entries, DecodeLimits limits, string owner)
    {
        if (entries.Count > limits.MaxReplicas)
        {
            throw Invalid($"{owner} has {entries.Count} entries, over the limit of {limits.MaxReplicas}");
        }
        var list = new List<KeyValuePair<ReplicaId, ulong>>(entries.Count);
        foreach (var (key, value) in entries)
        {
            if (!ReplicaId.TryParse(key, out var replica))
            {
                throw Invalid($"{owner}: invalid replica id '{ReplicaId.Truncate(key)}'");
            }
            list.Add(new(replica, value));
        }
        return list;
    }

    static SortedDictionary<string, ulong> Entries(GCounter counter)
    {
        var entries = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (replica, value) in counter.Entries)
        {
            entries.Add(replica.Value, value);
        }
        return entries;
    }

    static T Parse<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw Invalid("the document is null");
        }
        catch (JsonException e)
        {
            throw Invalid($"{e.Message}", e);
        }
    }

    static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message, e);
        }
    }

    static void RequireVersion(int version)
    {
        if (version != CrdtBinary.FormatVersion)
        {
            throw Invalid($"unknown version {version} (this build reads version {CrdtBinary.FormatVersion})");
        }
    }

    static CrdtFormatException Invalid(string what, Exception? inner = null) => new($"Invalid Tally JSON: {what}", inner);
}

public sealed record CounterDocument(
    [property: JsonRequired] int Version,
    SortedDictionary<string, ulong>? Entries);

public sealed record MapDocument(
    [property: JsonRequired] int Version,
    SortedDictionary<string, SortedDictionary<string, ulong>?>? Videos);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CounterDocument))]
[JsonSerializable(typeof(MapDocument))]
partial class CrdtJsonContext : JsonSerializerContext;
