using System.ComponentModel.DataAnnotations;
using Tally.Replication;

namespace Tally.Maelstrom;

/// <summary>Settings of one <c>tally maelstrom</c> node.</summary>
public sealed class MaelstromOptions
{
    /// <summary>Gossip tuning, the same options type as the HTTP node's. The interval defaults to 100 ms here: a
    /// Maelstrom test lasts seconds, not hours.</summary>
    public ReplicationOptions Replication { get; init; } = new() { GossipInterval = TimeSpan.FromMilliseconds(100) };

    /// <summary>The replica's rules (commits in flight, queue limits), the same options type and defaults as the HTTP
    /// node's.</summary>
    public ReplicaOptions Replica { get; init; } = new();

    /// <summary>Seed of the core's <see cref="Random"/> (peer choice); null draws one and logs it.</summary>
    public int? Seed { get; init; }

    /// <summary>Longest stdin line taken, in bytes; a longer line is logged and skipped.</summary>
    [Range(1024, 1 << 30)]
    public int LineBytesMax { get; init; } = 4 << 20;
}
