using Tally.Crdt;

namespace Tally.Node;

public sealed partial class ReplicaHost
{
    /// <summary>The network-wide counts of <paramref name="videos"/> as known now, for the answer to a retried request
    /// (marked with the <see cref="IdempotencyCache.ReplayedHeaderName"/> header on <paramref name="response"/>).</summary>
    internal UInt128[] Counts(IEnumerable<VideoId> videos, HttpResponse response)
    {
        response.Headers[IdempotencyCache.ReplayedHeaderName] = "true";
        lock (Sync)
        {
            return [.. videos.Select(Node.Count)];
        }
    }
}
