using System.Text.Json;

namespace Tally.Maelstrom;

/// <summary>One message Maelstrom delivered on stdin: <c>{"id": n, "src": "c1", "dest": "n1", "body": {...}}</c>
/// (doc/protocol.md). <see cref="Body"/> is a detached copy, so it outlives the parsed line.</summary>
/// <param name="MsgId">The body's <c>msg_id</c>; a request without one cannot be answered.</param>
/// <param name="InReplyTo">The body's <c>in_reply_to</c>: set on replies, which this node never answers.</param>
public sealed record Incoming(string Src, string Dest, string Type, long? MsgId, long? InReplyTo, JsonElement Body)
{
    /// <summary>Parses one stdin line. Returns null, with the reason in <paramref name="error"/>, when the line is not
    /// a JSON object with string <c>src</c> and <c>dest</c> and an object <c>body</c> with a string <c>type</c>.</summary>
    public static Incoming? TryParse(ReadOnlySpan<byte> line, out string error)
    {
        try
        {
            using var document = JsonDocument.Parse(line.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the line is not a JSON object";
                return null;
            }
            if (!TryString(root, "src", out var src) || !TryString(root, "dest", out var dest))
            {
                error = "src and dest must be strings";
                return null;
            }
            if (!root.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object)
            {
                error = "body must be an object";
                return null;
            }
            if (!TryString(body, "type", out var type))
            {
                error = "body.type must be a string";
                return null;
            }
            error = "";
            return new Incoming(src, dest, type, TryLong(body, "msg_id"), TryLong(body, "in_reply_to"), body.Clone());
        }
        catch (JsonException e)
        {
            error = $"not JSON: {e.Message}";
            return null;
        }
    }

    static bool TryString(JsonElement element, string name, out string value)
    {
        value = element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
        return value.Length > 0;
    }

    static long? TryLong(JsonElement element, string name) =>
        element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out var v) ? v : null;
}
