using Tally.Crdt;
using Tally.Replication;

namespace Tally.Simulation;

/// <summary>One node's disk, modelled on a group-committed log: appends collect in a pending buffer and become durable
/// together at the next flush, in order. A crash loses the pending buffer and keeps what was flushed; a lost disk
/// loses both, and the identity files with them.</summary>
/// <remarks>Own views are appended and applied only after the flush that makes them durable (the host's two steps), so
/// a crash never loses an applied own view. Merged deltas are appended without waiting, so a crash may lose merges
/// that were applied in memory but not yet flushed: the restarted node has a new incarnation and its peers send them
/// again. The replica and cluster ids are written synchronously (the node's <c>replica</c> and <c>cluster</c> files).</remarks>
public sealed class SimulatedDisk
{
    readonly List<CounterMap> _pending = [];
    readonly List<long> _pendingKeys = [];
    readonly HashSet<long> _keys = [];
    CounterMap? _durable;

    /// <summary>Bumped by every crash and wipe, so a flush scheduled before is void.</summary>
    public int Epoch { get; private set; }

    public bool FlushScheduled { get; set; }

    public bool HasPending => _pending.Count > 0;

    /// <summary>What survives a crash. Null when nothing was ever stored.</summary>
    public CounterMap? Durable => _durable;

    /// <summary>The replica id made with this disk (null for a blank disk: the next start makes one).</summary>
    public ReplicaId? Replica { get; set; }

    /// <summary>The stored cluster identity.</summary>
    public ClusterIdentity Cluster { get; set; }

    public long Appends { get; private set; }
    public long Flushes { get; private set; }

    /// <summary>Adds a delta to the pending buffer. It is durable only after the next <see cref="Flush"/>. The disk
    /// keeps the reference: the caller must not change the delta afterwards (the core's deltas are fresh maps).</summary>
    public void Append(CounterMap delta)
    {
        Appends++;
        _pending.Add(delta);
    }

    /// <summary>Appends a delta with the idempotency keys of the requests it counts, in one record: durable together
    /// at the next <see cref="Flush"/>, lost together by a crash before it.</summary>
    public void Append(CounterMap delta, IEnumerable<long>? keys)
    {
        Append(delta);
        _pendingKeys.AddRange(keys ?? []);
    }

    /// <summary>True when a flushed record holds <paramref name="key"/> (a node remembers it across restarts).</summary>
    public bool HasKey(long key) => _keys.Contains(key);

    /// <summary>Makes every pending append durable at once (one group commit).</summary>
    public void Flush()
    {
        FlushScheduled = false;
        if (!HasPending)
        {
            return;
        }
        Flushes++;
        _durable ??= new CounterMap();
        foreach (var delta in _pending)
        {
            _durable.Merge(delta);
        }
        _pending.Clear();
        _keys.UnionWith(_pendingKeys);
        _pendingKeys.Clear();
    }

    /// <summary>The process died: pending appends are gone, flushed ones stay.</summary>
    public void Crash()
    {
        _pending.Clear();
        _pendingKeys.Clear();
        FlushScheduled = false;
        Epoch++;
    }

    /// <summary>The disk is lost (or replaced by a blank one): state and identity.</summary>
    public void Wipe()
    {
        Crash();
        _durable = null;
        Replica = null;
        Cluster = default;
        _keys.Clear();
    }

    /// <summary>What a restarted node loads: a copy of the durable state, or null for a blank disk.</summary>
    public CounterMap? Load() => _durable?.Clone();
}
