using Tally.Crdt;

namespace Tally.Replication;

/// <summary>One replica of the view counter, as a deterministic state machine (etcd-io/raft's and TigerBeetle's
/// shape): its inputs are views, gossip messages and ticks; its outputs (<see cref="Effects"/>) are messages to send
/// and deltas to store. It reads time only from the <see cref="TimeProvider"/> and randomness only from the seeded
/// <see cref="Random"/> it is given, so the node host and the simulator run the very same code.</summary>
/// <remarks>Not thread-safe: the owner serializes calls (the host under a lock, the simulator on one thread).
/// Own views enter in two steps, so the host can make them durable in between: <see cref="PrepareView"/> computes the
/// new absolute entries into a batch without changing state; after the batch is on disk, <see cref="ApplyOwn"/>
/// merges it. Peers therefore never learn an own entry the disk does not hold.</remarks>
public sealed partial class ReplicaNode
{
    readonly ReplicationOptions _options;
    readonly TimeProvider _time;
    readonly Random _random;
    readonly CounterMap _state;
    readonly DateTimeOffset _started;

    /// <param name="id">This replica's id, made once with its data directory and never reused: a node that starts
    /// with an empty directory is a new replica, so it never continues an entry of an earlier one (a lost disk).</param>
    /// <param name="recovered">The state loaded from disk, or null for an empty disk (a new replica). Either way the
    /// node takes views at once: its own entries are its disk's.</param>
    /// <param name="incarnation">Greater than any earlier start of this id (the host uses the clock and a file).</param>
    /// <param name="cluster">The cluster id stored in the data directory or configured; default (none) for a new
    /// node with peers, which adopts the id of the first member it hears from.</param>
    public ReplicaNode(
        ReplicaId id,
        string address,
        long incarnation,
        ReplicationOptions options,
        TimeProvider time,
        Random random,
        CounterMap? recovered,
        IEnumerable<string> seeds,
        ClusterIdentity cluster = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(incarnation);
        _options = options;
        _time = time;
        _random = random;
        _state = recovered ?? new CounterMap();
        _self = new MemberRecord(id, address, incarnation, 0, Left: false);
        _seeds = [.. seeds.Where(s => !string.Equals(s, address, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase)];
        _cluster = cluster;
        _started = time.GetUtcNow();
        _membersHash = ComputeMembersHash();
    }

    /// <summary>This replica's id (the key of its entries); <see cref="ReplicaId.Name"/> is the node's name.</summary>
    public ReplicaId Id => _self.Id;

    /// <summary>The node's name, for people: several replicas may share one (<see cref="NameConflicts"/>).</summary>
    public string Name => _self.Id.Name;
    public string Address => _self.Address;
    public long Incarnation => _self.Incarnation;
    public long Round { get; private set; }
    public ReplicaStats Stats { get; } = new();

    /// <summary>The replica's map. Read it only under the owner's lock; change it only through this class.</summary>
    public CounterMap State => _state;

    /// <summary>The node's own entry for <paramref name="video"/>: views it received.</summary>
    public ulong Total(VideoId video) => _state.EntryOf(video, Id);

    /// <summary>The network-wide count for <paramref name="video"/> as this node knows it now (a sum of entries, so a
    /// <see cref="UInt128"/>: it never wraps, whatever the peers hold).</summary>
    public UInt128 Count(VideoId video) => _state.ValueOf(video);

    /// <summary>Adds <paramref name="amount"/> own views of <paramref name="video"/> to <paramref name="batch"/>
    /// (absolute new own entries) and returns the new entry. Changes no state.</summary>
    /// <remarks>Only this node's own entry limits a view: other replicas' entries, however large, can never stop a
    /// video from counting here, and the count cannot overflow.</remarks>
    /// <exception cref="CounterOverflowException">This node's entry would pass <see cref="GCounter.EntryMax"/>; the
    /// batch is unchanged.</exception>
    public ulong PrepareView(CounterMap batch, VideoId video, ulong amount)
    {
        var current = Math.Max(_state.EntryOf(video, Id), batch.EntryOf(video, Id));
        if (!GCounter.Fits(current, amount))
        {
            throw new CounterOverflowException(
                $"Video '{video}': {amount} more views would take this node's entry ({current}) past {GCounter.EntryMax}.");
        }
        return batch.RaiseTo(video, Id, current + amount);
    }

    /// <summary>The seed's <c>set_to</c>, an operator action: raises this node's entry for <paramref name="video"/>
    /// to <paramref name="total"/> in <paramref name="batch"/>. Changes no state. Equal to the entry changes nothing.</summary>
    /// <remarks>A raise may not pass <see cref="GCounter.SetMax"/>, nor make the video's count as known here pass it,
    /// so a raise always leaves room for views and keeps counts exact in JSON (docs/architecture.md, "Numbers").</remarks>
    /// <exception cref="CounterRegressionException"><paramref name="total"/> is below the current entry.</exception>
    /// <exception cref="CounterOverflowException"><paramref name="total"/> or the count after the raise would pass
    /// <see cref="GCounter.SetMax"/>; the batch is unchanged.</exception>
    public ulong PrepareRaise(CounterMap batch, VideoId video, ulong total)
    {
        var applied = _state.EntryOf(video, Id);
        var current = Math.Max(applied, batch.EntryOf(video, Id));
        if (total < current)
        {
            throw new CounterRegressionException(Id, current, total);
        }
        if (total == current)
        {
            return current;
        }
        if (total > GCounter.SetMax)
        {
            throw new CounterOverflowException($"Video '{video}': a total of {total} is past the largest set_to total, {GCounter.SetMax}.");
        }
        var count = _state.ValueOf(video) - applied + total;
        if (count > GCounter.SetMax)
        {
            throw new CounterOverflowException(
                $"Video '{video}': a total of {total} would make its count {count}, past the largest set_to count, {GCounter.SetMax}.");
        }
        return batch.RaiseTo(video, Id, total);
    }

    /// <summary>Merges a batch of own entries made durable by the host.</summary>
    public void ApplyOwn(CounterMap batch) => _state.Merge(batch);

    static void NoteSynced(Peer peer) => peer.Synced = true;
}
