using Tally.Crdt;

namespace Tally.Simulation;

/// <summary>One node's disk, modelled on a group-committed log: appends collect in a pending buffer and become durable
/// together at the next flush, in order. A crash loses the pending buffer and keeps what was flushed; a lost disk
/// loses both.</summary>
/// <remarks>
/// <para>Own views are appended and applied only after the flush that makes them durable (the host's two steps), so a
/// crash never loses an applied own view. Merged deltas are appended without waiting, so a crash may lose merges that
/// were applied in memory but not yet flushed: the restarted node has a new incarnation and its peers send them
/// again.</para>
/// <para>A disk is <see cref="Complete"/> once it holds a whole state: from the cluster's first start, or from the
/// host's marker written after a blank node finished recovering. A node restarted from a disk that is not complete
/// (it crashed while recovering, with some merges flushed) must recover again: that partial state lacks some of its
/// own entries, and taking views on top of it would absorb acknowledged ones.</para>
/// </remarks>
public sealed class SimulatedDisk
{
    readonly List<CounterMap> _pending = [];
    readonly List<long> _pendingKeys = [];
    readonly HashSet<long> _keys = [];
    CounterMap? _durable;
    bool _markPending;

    /// <param name="formatted">True for a disk that already holds an (empty) complete store, as at a cluster's first
    /// start; false for a blank disk, on which the node starts empty and recovers from peers.</param>
    public SimulatedDisk(bool formatted)
    {
        _durable = formatted ? new CounterMap() : null;
        Complete = formatted;
    }

    /// <summary>Bumped by every crash and wipe, so a flush scheduled before is void.</summary>
    public int Epoch { get; private set; }

    public bool FlushScheduled { get; set; }

    public bool HasPending => _pending.Count > 0 || _markPending;

    /// <summary>What survives a crash. Null when nothing was ever stored.</summary>
    public CounterMap? Durable => _durable;

    /// <summary>The disk holds a whole state (see remarks).</summary>
    public bool Complete { get; private set; }

    /// <summary>The recovery marker is appended and waits for its flush.</summary>
    public bool CompletionPending => _markPending;

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

    /// <summary>Appends a snapshot of a recovered state and the marker that the disk is complete; both become durable
    /// at the next flush.</summary>
    public void AppendRecovered(CounterMap snapshot)
    {
        Append(snapshot);
        _markPending = true;
    }

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
        Complete |= _markPending;
        _markPending = false;
    }

    /// <summary>The process died: pending appends are gone, flushed ones stay.</summary>
    public void Crash()
    {
        _pending.Clear();
        _pendingKeys.Clear();
        _markPending = false;
        FlushScheduled = false;
        Epoch++;
    }

    /// <summary>The disk is lost (or replaced by a blank one).</summary>
    public void Wipe()
    {
        Crash();
        _durable = null;
        _keys.Clear();
        Complete = false;
    }

    /// <summary>What a restarted node loads: a copy of the durable state, or null for a blank disk. With
    /// <paramref name="requireComplete"/> (the host's recovery marker), a disk that never completed recovery loads as
    /// blank too.</summary>
    public CounterMap? Load(bool requireComplete) => requireComplete && !Complete ? null : _durable?.Clone();
}
