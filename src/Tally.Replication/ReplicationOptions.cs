using System.ComponentModel.DataAnnotations;

namespace Tally.Replication;

/// <summary>Tuning of gossip, anti-entropy and failure detection. Every loop and buffer has a limit here.</summary>
public sealed class ReplicationOptions
{
    public const string SectionName = "Replication";

    /// <summary>Time between gossip rounds. The host's timer uses it; the core only counts rounds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan GossipInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Peers contacted per round.</summary>
    [Range(1, 64)]
    public int Fanout { get; set; } = 2;

    /// <summary>Most videos in one delta; a peer further behind is repaired through digests instead.</summary>
    [Range(1, 10_000_000)]
    public int DeltaVideosMax { get; set; } = 20_000;

    /// <summary>Most videos in one repair message; a larger repair continues over the next rounds.</summary>
    [Range(1, 10_000_000)]
    public int RepairVideosMax { get; set; } = 50_000;

    /// <summary>Buckets of an anti-entropy digest (a power of two).</summary>
    [Range(1, 65536)]
    public int DigestBuckets { get; set; } = 1024;

    /// <summary>Every this many rounds, each push also carries the sender's digest root so silent divergence
    /// (a lost message after an acknowledgement, a restarted peer) is found and repaired.</summary>
    [Range(1, 100_000)]
    public int AntiEntropyRounds { get; set; } = 10;

    /// <summary>Member records piggybacked on each message besides the sender's own (heartbeat gossip).</summary>
    [Range(0, 1024)]
    public int MemberSampleMax { get; set; } = 8;

    /// <summary>A member whose heartbeat has not advanced for this long is suspect.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan SuspectAfter { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>A member whose heartbeat has not advanced for this long is down; it is only probed, once a round.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan DownAfter { get; set; } = TimeSpan.FromSeconds(10);

}
