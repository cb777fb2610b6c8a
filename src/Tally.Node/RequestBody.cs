using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Tally.Node;

/// <summary>The outcome of reading a JSON body: a value, nothing (empty body), or the problem to answer.</summary>
readonly record struct JsonBody<T>(T? Value, ProblemHttpResult? Problem) where T : class;

/// <summary>Reads request bodies with a per-route size limit, parsing JSON straight from the request pipe.</summary>
static class RequestBody
{
    /// <summary>Reads and parses a JSON body of at most <paramref name="maxBytes"/> bytes: 413 when larger, 415 when a
    /// body comes without a JSON content type (<c>application/json</c> or <c>application/*+json</c>; none at all is not
    /// JSON either), 400 with the parser's message for malformed JSON, wrong types, unknown (names match exactly) or
    /// duplicate properties and trailing content, and 400 for a body that is JSON <c>null</c>. Only an empty body gives
    /// no value and no problem: the route decides whether it needs one.</summary>
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

    /// <summary>True for <c>application/json</c> and <c>application/*+json</c>, with any parameters (charset).</summary>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType is { } type &&
        (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
         type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    static JsonBody<T> Parse<T>(ReadOnlySequence<byte> buffer, string? contentType, JsonTypeInfo<T> type) where T : class
    {
        if (buffer.IsEmpty)
        {
            return default;
        }
        if (!IsJson(contentType))
        {
            return new(null, Problems.UnsupportedMediaType(contentType, "application/json"));
        }
        try
        {
            T? value;
            if (buffer.IsSingleSegment)
            {
                value = JsonSerializer.Deserialize(buffer.FirstSpan, type);
            }
            else
            {
                var json = new Utf8JsonReader(buffer);
                value = JsonSerializer.Deserialize(ref json, type);
                if (json.Read())
                {
                    throw new JsonException("Unexpected content after the JSON value.");
                }
            }
            return value is null
                ? new(null, Problems.MalformedJson("the body is JSON null; send a JSON object (or, where the body is optional, no body at all)."))
                : new(value, null);
        }
        catch (JsonException e)
        {
            return new(null, Problems.MalformedJson(e.Message));
        }
    }
}
