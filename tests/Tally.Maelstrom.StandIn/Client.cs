using System.Buffers;
using System.Text.Json;

namespace Tally.Maelstrom.StandIn;

/// <summary>A synchronous Maelstrom client (maelstrom/client.clj): one request at a time, a fresh msg_id each,
/// replies to anything but the awaited msg_id ignored. A reply of type <c>error</c> throws <see cref="RpcError"/>,
/// no reply within the timeout throws <see cref="TimeoutException"/>.</summary>
sealed class Client(string id, Network network) : IEndpoint
{
    readonly Lock _lock = new();
    long _nextMsgId;
    long _waitingFor;
    TaskCompletionSource<JsonElement>? _reply;

    public string Id => id;

    public void Open() => network.AddClient(id, this);

    public void Close() => network.RemoveClient(id);

    public void Enqueue(Envelope envelope)
    {
        lock (_lock)
        {
            if (_reply is not null && envelope.InReplyTo == _waitingFor)
            {
                _reply.TrySetResult(envelope.Body);
            }
        }
    }

    /// <summary>Sends <c>{"type": type, "msg_id": n, ...fields}</c> to <paramref name="node"/> and waits for the reply.</summary>
    public async Task<JsonElement> CallAsync(string node, string type, Action<Utf8JsonWriter> fields, TimeSpan timeout)
    {
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        long msgId;
        lock (_lock)
        {
            msgId = ++_nextMsgId;
            _waitingFor = msgId;
            _reply = reply;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteNumber("msg_id", msgId);
            fields(w);
            w.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        if (network.Send(id, node, document.RootElement.Clone(), buffer.WrittenCount) is { } error)
        {
            throw new InvalidOperationException(error);
        }
        try
        {
            var body = await reply.Task.WaitAsync(timeout);
            if (body.TryGetProperty("type", out var t) && t.ValueEquals("error"))
            {
                throw new RpcError(body);
            }
            return body;
        }
        finally
        {
            lock (_lock)
            {
                _reply = null;
            }
        }
    }
}

/// <summary>An <c>error</c> reply: its code and text (doc/protocol.md).</summary>
sealed class RpcError(JsonElement body) : Exception(
    $"error {(body.TryGetProperty("code", out var c) ? c.GetRawText() : "?")}: {(body.TryGetProperty("text", out var t) ? t.GetString() : "")}")
{
    public int? Code => body.TryGetProperty("code", out var c) && Schema.IsInteger(c) ? (int)c.GetInt64() : null;
}
