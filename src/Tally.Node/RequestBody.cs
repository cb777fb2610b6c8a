using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Tally.Node;

/// <summary>The outcome of reading a JSON body: a value, nothing (empty body), or the problem to answer.</summary>
readonly record struct JsonBody<T>(T? Value, ProblemHttpResult? Problem) where T : class;

/// <summary>Reads request bodies with a per-route size limit, parsing JSON straight from the request pipe.</summary>
static class RequestBody
{
    /// <summary>Reads and parses a JSON body of at most <paramref name="maxBytes"/> bytes: 413 when larger, 415 for
    /// a non-JSON content type, 400 with the parser's message for malformed JSON, wrong types, unknown or duplicate
    /// properties and trailing content. An empty body (or <c>null</c>) gives no value and no problem.</summary>
    public static async ValueTask<JsonBody<T>> ReadJsonAsync<T>(HttpRequest request, JsonTypeInfo<T> type, int maxBytes, CancellationToken ct)
        where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            return new(null, Problems.TooLarge(maxBytes));
        }
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.End);
                return new(null, Problems.TooLarge(maxBytes));
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                try
                {
                    return Parse(buffer, request.ContentType, type);
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads a binary body of at most <paramref name="maxBytes"/> bytes; null when larger.</summary>
    public static async ValueTask<byte[]?> ReadBytesAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    static JsonBody<T> Parse<T>(ReadOnlySequence<byte> buffer, string? contentType, JsonTypeInfo<T> type) where T : class
    {
        if (buffer.IsEmpty)
        {
            return default;
        }
        if (!string.IsNullOrEmpty(contentType) && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, Problems.UnsupportedMediaType(contentType));
        }
        try
        {
            if (buffer.IsSingleSegment)
            {
                return new(JsonSerializer.Deserialize(buffer.FirstSpan, type), null);
            }
            var json = new Utf8JsonReader(buffer);
            var value = JsonSerializer.Deserialize(ref json, type);
            if (json.Read())
            {
                throw new JsonException("Unexpected content after the JSON value.");
            }
            return new(value, null);
        }
        catch (JsonException e)
        {
            return new(null, Problems.MalformedJson(e.Message));
        }
    }
}
