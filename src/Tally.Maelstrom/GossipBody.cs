using System.Text.Json;
using Tally.Crdt;
using Tally.Crdt.Serialization;
using Tally.Replication;

namespace Tally.Maelstrom;

/// <summary>The body of a node-to-node message: the core's <see cref="GossipMessage"/> in <see cref="GossipCodec"/>
/// bytes, base64 in <c>data</c>, so the same delta, acknowledgement and digest rules run as between HTTP nodes.</summary>
static class GossipBody
{
    public const string Type = "tally_gossip";

    /// <summary>Decode limits for one message: a Maelstrom cluster holds one counter and a handful of nodes.</summary>
    static readonly DecodeLimits Limits = new() { MaxReplicas = 1024, MaxVideos = 16 };

    /// <summary>Decodes <paramref name="body"/>, or returns null with the reason in <paramref name="error"/>.</summary>
    public static GossipMessage? TryDecode(JsonElement body, out string error)
    {
        if (!body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String || !data.TryGetBytesFromBase64(out var bytes))
        {
            error = "data must be a base64 string";
            return null;
        }
        try
        {
            error = "";
            return GossipCodec.Decode(bytes, Limits);
        }
        catch (CrdtFormatException e)
        {
            error = e.Message;
            return null;
        }
    }
}
