using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tally.Maelstrom;

/// <summary>Builds the lines this node writes to stdout: one JSON object <c>{"src","dest","body"}</c> per line
/// (doc/protocol.md), without the newline. Reply bodies carry exactly the keys the workload's schema allows
/// (<c>type</c>, <c>msg_id</c>, <c>in_reply_to</c> and the payload): Maelstrom's response schemas are closed.</summary>
static class Outgoing
{
    public static byte[] Reply(string src, string dest, long msgId, long inReplyTo, string type) =>
        Write(src, dest, w =>
        {
            w.WriteString("type", type);
            w.WriteNumber("msg_id", msgId);
            w.WriteNumber("in_reply_to", inReplyTo);
        });

    public static byte[] ReadOk(string src, string dest, long msgId, long inReplyTo, UInt128 value) =>
        Write(src, dest, w =>
        {
            w.WriteString("type", "read_ok");
            w.WriteNumber("msg_id", msgId);
            w.WriteNumber("in_reply_to", inReplyTo);
            // Exact, all digits: Utf8JsonWriter has no UInt128 overload.
            w.WritePropertyName("value");
            w.WriteRawValue(value.ToString(CultureInfo.InvariantCulture));
        });

    /// <summary>An error body (doc/protocol.md, "Errors"); <paramref name="inReplyTo"/> is the request's msg_id.</summary>
    public static byte[] Error(string src, string dest, long msgId, long inReplyTo, ErrorCode code, string text) =>
        Write(src, dest, w =>
        {
            w.WriteString("type", "error");
            w.WriteNumber("msg_id", msgId);
            w.WriteNumber("in_reply_to", inReplyTo);
            w.WriteNumber("code", (int)code);
            w.WriteString("text", text);
        });

    /// <summary>A gossip message between two nodes: <c>{"type": "tally_gossip", "data": base64 of the GossipCodec
    /// bytes}</c>. Not an RPC: it has no msg_id and is never answered with a Maelstrom reply.</summary>
    public static byte[] Gossip(string src, string dest, byte[] encoded) =>
        Write(src, dest, w =>
        {
            w.WriteString("type", GossipBody.Type);
            w.WriteBase64String("data", encoded);
        });

    /// <summary>Stdout is not HTML: keep quotes and non-ASCII text readable in Maelstrom's logs.</summary>
    static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static byte[] Write(string src, string dest, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("src", src);
            w.WriteString("dest", dest);
            w.WriteStartObject("body");
            body(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
