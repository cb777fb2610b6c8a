using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tally.Maelstrom;

namespace Tally.Maelstrom.Tests;

/// <summary>Drives a <see cref="MaelstromNode"/> in process with JSON lines, as Maelstrom would.</summary>
sealed class Protocol
{
    public Protocol(FakeTimeProvider? time = null) =>
        Node = new MaelstromNode(new MaelstromOptions { Seed = 1 }, time ?? new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000)), NullLogger.Instance);

    public MaelstromNode Node { get; }

    /// <summary>Sends <paramref name="body"/> (JSON) from <paramref name="src"/> and returns the parsed output lines.</summary>
    public List<JsonElement> Send(string src, string body, string dest = "n1") =>
        Handle($"{{\"id\":7,\"src\":\"{src}\",\"dest\":\"{dest}\",\"body\":{body}}}");

    public List<JsonElement> Handle(string line) => Parse(Node.Handle(Encoding.UTF8.GetBytes(line)));

    public List<JsonElement> Tick() => Parse(Node.Tick());

    public List<JsonElement> Init(string id = "n1", string ids = "[\"n1\",\"n2\",\"n3\"]") =>
        Send("c1", $"{{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"{id}\",\"node_ids\":{ids}}}", id);

    public static List<JsonElement> Parse(IReadOnlyList<byte[]> lines) =>
        [.. lines.Select(l =>
        {
            Assert.DoesNotContain((byte)'\n', l);
            return JsonDocument.Parse(l).RootElement.Clone();
        })];
}
