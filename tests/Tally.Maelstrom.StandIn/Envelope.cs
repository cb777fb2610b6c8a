using System.Text.Json;

namespace Tally.Maelstrom.StandIn;

/// <summary>A message in flight: Maelstrom's <c>{id, src, dest, body}</c> plus when it is due (Stopwatch ticks).</summary>
sealed record Envelope(long Id, string Src, string Dest, JsonElement Body, long Deadline)
{
    public string? Type => Body.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    public long? InReplyTo => Body.TryGetProperty("in_reply_to", out var r) && Schema.IsInteger(r) ? r.GetInt64() : null;

    /// <summary>The line written to the receiver's stdin, as Maelstrom writes it (with its internal id).</summary>
    public string ToLine() => $"{{\"id\":{Id},\"src\":{JsonSerializer.Serialize(Src)},\"dest\":{JsonSerializer.Serialize(Dest)},\"body\":{Body.GetRawText()}}}";
}

/// <summary>Something the network delivers to: a node process or a client.</summary>
interface IEndpoint
{
    /// <summary>Takes a message; the endpoint waits for its deadline and asks the network whether it is cut.</summary>
    void Enqueue(Envelope envelope);
}
