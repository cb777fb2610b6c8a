using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

public sealed partial class ReplicaExecutor
{
    /// <summary>One video's counter as known here (an empty counter for an unknown video).</summary>
    public GCounter Read(VideoId video)
    {
        lock (_sync)
        {
            return Replica.Read(video);
        }
    }

    /// <summary>A page of videos in ordinal id order, and how many videos this node knows in all.</summary>
    public (IReadOnlyList<VideoTotals> Videos, bool More, int Known) Page(string? after, int limit)
    {
        lock (_sync)
        {
            var (videos, more) = Replica.Page(after, limit);
            return (videos, more, Replica.VideoCount);
        }
    }

    public IReadOnlyList<MemberView> Members()
    {
        lock (_sync)
        {
            return Replica.Members();
        }
    }

    /// <summary>The root of the state's digest and the version it stands for (recomputed at most once per round).</summary>
    public (ulong Root, long Version) Digest()
    {
        lock (_sync)
        {
            return Replica.Digest(replicationOptions.Value.DigestBuckets, replicationOptions.Value.GossipInterval);
        }
    }

    /// <summary>What <c>GET /cluster</c> shows of this replica, read at once.</summary>
    public ClusterSnapshot Describe()
    {
        lock (_sync)
        {
            var r = Replica;
            return new ClusterSnapshot(r.Members(), r.Version, r.VideoCount, r.Round, r.Incarnation, r.Cluster, r.OwnNameConflict);
        }
    }

    public ReplicaStats Stats()
    {
        lock (_sync)
        {
            return Replica.GossipStats;
        }
    }

    public ReplicaCommitStats CommitStats()
    {
        lock (_sync)
        {
            return Replica.CommitStats;
        }
    }

    public int VideoCount()
    {
        lock (_sync)
        {
            return Replica.VideoCount;
        }
    }

    /// <summary>True while another live replica uses this node's name (as of the last gossip round).</summary>
    public bool OwnNameConflict()
    {
        lock (_sync)
        {
            return _replica is { OwnNameConflict: true };
        }
    }

    /// <summary>Names used by more than one live replica (as of the last gossip round).</summary>
    public int NameConflictCount()
    {
        lock (_sync)
        {
            return _replica?.NameConflicts.Count ?? 0;
        }
    }

    public Dictionary<string, int> MembersByStatus()
    {
        var counts = Enum.GetValues<MemberStatus>().ToDictionary(s => ApiText.Status(s), _ => 0);
        foreach (var member in Members())
        {
            counts[ApiText.Status(member.Status)]++;
        }
        return counts;
    }
}

/// <summary>This replica as <c>GET /cluster</c> shows it, read under one lock.</summary>
public sealed record ClusterSnapshot(
    IReadOnlyList<MemberView> Members,
    long Version,
    int Videos,
    long Round,
    long Incarnation,
    ClusterIdentity Cluster,
    bool OwnNameConflict);
