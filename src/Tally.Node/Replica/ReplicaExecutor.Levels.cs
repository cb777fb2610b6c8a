using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

public sealed partial class ReplicaExecutor
{
    ITimer? _levelTimer;
    DateTimeOffset? _levelTimerAt;

    /// <summary>For a read above <c>r=1</c>: how many other replicas must answer and whom to ask; null when the level
    /// names more replicas than this node counts.</summary>
    public ReadPlan? PlanRead(ConsistencyLevel level)
    {
        lock (_sync)
        {
            return Replica.PlanRead(level);
        }
    }

    /// <summary>N, the replicas a consistency level counts now.</summary>
    public int LevelMembers
    {
        get
        {
            lock (_sync)
            {
                return Replica.LevelMembers;
            }
        }
    }

    /// <summary>This node's answer to a peer's read: the video's counter, or null for an asker of another cluster.</summary>
    public GCounter? ReadFor(VideoId video, ClusterId? asker)
    {
        lock (_sync)
        {
            return Replica.ReadFor(video, asker);
        }
    }

    /// <summary>The cluster id this node holds now (null while a new node has not heard from its cluster).</summary>
    public ClusterId? CurrentClusterId
    {
        get
        {
            lock (_sync)
            {
                return Replica.Cluster.Id;
            }
        }
    }

    /// <summary>Takes a peer's answer to a read (merged, and appended, if it is of this cluster); true when it counts.</summary>
    public bool TakeReadAnswer(string address, ReplicaId from, ClusterId? cluster, VideoId video, GCounter counter)
    {
        lock (_sync)
        {
            var taken = Replica.TakeReadAnswer(address, from, cluster, video, counter);
            Pump();
            return taken;
        }
    }

    /// <summary>Under the lock: a write waiting for its level times out even when no other input arrives, so a timer
    /// pumps the replica at its earliest deadline.</summary>
    void ArmLevelTimer()
    {
        var deadline = Replica.LevelDeadline;
        if (deadline is null || deadline == _levelTimerAt)
        {
            return;
        }
        _levelTimerAt = deadline;
        var due = deadline.Value - time.GetUtcNow();
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }
        _levelTimer ??= time.CreateTimer(_ => OnLevelTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _levelTimer.Change(due + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
    }

    void OnLevelTimer()
    {
        lock (_sync)
        {
            _levelTimerAt = null;
            Pump();
        }
    }
}
