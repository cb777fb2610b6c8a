using System.Net.Http.Headers;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node.Tests;

/// <summary>Gossip a peer would send, encoded by the real <see cref="GossipCodec"/>, and the request that posts it.</summary>
static class PeerMessages
{
    /// <summary>A push from peer <paramref name="sender"/> carrying <paramref name="delta"/> and a digest root, as a
    /// peer's gossip round sends it.</summary>
    public static byte[] Push(CounterMap delta, string sender = "n9") => GossipCodec.Encode(new GossipMessage
    {
        Kind = GossipKind.Push,
        Sender = new MemberRecord(ReplicaId.Parse(sender), "http://127.0.0.1:9", 1, 1, Left: false),
        HasDelta = true,
        DeltaUpTo = delta.Version,
        Delta = delta,
        DigestRoot = delta.Digest().Root,
        DigestVersion = delta.Version,
    });

    /// <summary>A delta of several videos and replicas, some entries large, so damage can land on any kind of field.</summary>
    public static CounterMap SampleDelta()
    {
        var delta = new CounterMap();
        for (var v = 0; v < 12; v++)
        {
            for (var r = 0; r < 3; r++)
            {
                delta.Join(VideoId.Parse($"video-{v}"), ReplicaId.Parse($"n{7 + r}"), (ulong)(v * 1_000 + r + 1) * (v % 4 == 0 ? 1_000_000_007UL : 1));
            }
        }
        return delta;
    }

    public static HttpRequestMessage Post(byte[] bytes, string baseUrl = "", string clusterKey = InProcessNode.ClusterKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + InternalApi.GossipPath) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", clusterKey);
        return request;
    }
}
