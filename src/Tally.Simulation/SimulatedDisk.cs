using Tally.Crdt;

namespace Tally.Simulation;

/// <summary>One node's disk, modelled on a group-committed log: appends collect in a pending buffer and become durable
/// together at the next flush, in order. A crash loses the pending buffer and keeps what was flushed; a lost disk
/// loses both.</summary>
/// <remarks>Own views are appended and applied only after the flush that makes them durable (the host's two steps),
/// so a crash never loses an applied own view. Merged deltas are appended without waiting, so a crash may lose merges
/// that were applied in memory but not yet flushed: the restarted node has a new incarnation and its peers send them
/// again.</remarks>
public sealed class SimulatedDisk
{
    CounterMap? _durable;
    CounterMap? _pending;

    /// <param name="formatted">True for a disk that already holds an (empty) store, as at a cluster's first start; false
    /// for a blank disk, on which the node starts empty and recovers from peers.</param>
    public SimulatedDisk(bool formatted) => _durable = formatted ? new CounterMap() : null;

    /// <summary>Bumped by every crash and wipe, so a flush scheduled before is void.</summary>
    public int Epoch { get; private set; }

    public bool FlushScheduled { get; set; }

    public bool HasPending => _pending is not null;

    /// <summary>What survives a crash. Null when nothing was ever stored.</summary>
    public CounterMap? Durable => _durable;

    public long Appends { get; private set; }
    public long Flushes { get; private set; }

    /// <summary>Adds a delta to the pending buffer. It is durable only after the next <see cref="Flush"/>.</summary>
    public void Append(CounterMap delta)
    {
        Appends++;
        (_pending ??= new CounterMap()).Merge(delta);
    }

    /// <summary>Makes every pending append durable at once (one group commit).</summary>
    public void Flush()
    {
        FlushScheduled = false;
        if (_pending is null)
        {
            return;
        }
        Flushes++;
        (_durable ??= new CounterMap()).Merge(_pending);
        _pending = null;
    }

    /// <summary>The process died: pending appends are gone, flushed ones stay.</summary>
    public void Crash()
    {
        _pending = null;
        FlushScheduled = false;
        Epoch++;
    }

    /// <summary>The disk is lost (or replaced by a blank one).</summary>
    public void Wipe()
    {
        Crash();
        _durable = null;
    }

    /// <summary>What a restarted node loads: a copy of the durable state, or null for a blank disk.</summary>
    public CounterMap? Load() => _durable?.Clone();
}
