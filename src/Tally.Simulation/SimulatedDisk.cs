using Tally.Crdt;
using Tally.Replication;

namespace Tally.Simulation;

/// <summary>One node's disk, as the replica sees a store: appends (and snapshots) are handed to it by number and each
/// completes on its own after a latency, so they complete out of order; some fail. A completed append is durable; a
/// crash loses the appends still in flight except those that reached the disk unreported, and keeps the completed
/// ones; a lost disk loses everything, the identity files with it.</summary>
/// <remarks>The replica and cluster ids are written synchronously (the node's <c>replica</c> and <c>cluster</c>
/// files). Request keys are stored with the append that counts them, as the node's log does.</remarks>
public sealed class SimulatedDisk
{
    readonly Dictionary<long, Append> _inFlight = [];
    readonly Dictionary<long, SnapshotRequest> _snapshots = [];
    readonly List<IdempotencyRecord> _keys = [];
    CounterMap? _durable;

    /// <summary>Bumped by every crash and wipe, so a completion scheduled before is void.</summary>
    public int Epoch { get; private set; }

    /// <summary>What survives a crash. Null when nothing was ever stored.</summary>
    public CounterMap? Durable => _durable;

    /// <summary>Appends and snapshots handed to the disk and not completed yet.</summary>
    public int InFlight => _inFlight.Count + _snapshots.Count;

    /// <summary>The replica id made with this disk (null for a blank disk: the next start makes one).</summary>
    public ReplicaId? Replica { get; set; }

    /// <summary>The stored cluster identity.</summary>
    public ClusterIdentity Cluster { get; set; }

    public long Appends { get; private set; }
    public long Flushes { get; private set; }
    public long Failures { get; private set; }

    /// <summary>Takes an append; it completes at <see cref="Complete"/> or <see cref="Fail"/>.</summary>
    public void Start(Append append)
    {
        Appends++;
        _inFlight.Add(append.Number, append);
    }

    public void Start(SnapshotRequest snapshot) => _snapshots.Add(snapshot.Number, snapshot);

    /// <summary>True when <paramref name="number"/> is a snapshot in flight (not an append).</summary>
    public bool IsSnapshot(long number) => _snapshots.ContainsKey(number);

    /// <summary>Makes append or snapshot <paramref name="number"/> durable; returns the append (null for a snapshot).</summary>
    public Append? Complete(long number)
    {
        Flushes++;
        _durable ??= new CounterMap();
        if (_snapshots.Remove(number, out var snapshot))
        {
            // A snapshot holds every record numbered below it (the replica waits for that), so merging it is replacing.
            _durable.Merge(snapshot.State);
            var kept = snapshot.Keys.Apply(_keys);
            _keys.Clear();
            _keys.AddRange(kept);
            return null;
        }
        var append = _inFlight[number];
        _inFlight.Remove(number);
        _durable.Merge(append.Delta);
        _keys.AddRange(append.Keys);
        return append;
    }

    /// <summary>Append or snapshot <paramref name="number"/> failed: nothing of it is on the disk.</summary>
    public void Fail(long number)
    {
        Failures++;
        _inFlight.Remove(number);
        _snapshots.Remove(number);
    }

    /// <summary>True when an own append numbered below <paramref name="number"/> is still in flight: completing
    /// <paramref name="number"/> now is completing out of order.</summary>
    public bool OwnInFlightBelow(long number) => _inFlight.Values.Any(a => a.Kind == AppendKind.Own && a.Number < number);

    /// <summary>Appends and snapshots handed to the disk and not completed yet, in number order.</summary>
    public IReadOnlyList<long> InFlightNumbers => [.. _inFlight.Keys.Concat(_snapshots.Keys).Order()];

    /// <summary>The process died: appends in flight are gone, completed ones stay (call <see cref="Complete"/> first
    /// for those that reached the disk unreported).</summary>
    public void Crash()
    {
        _inFlight.Clear();
        _snapshots.Clear();
        Epoch++;
    }

    /// <summary>The disk is lost (or replaced by a blank one): state, keys and identity.</summary>
    public void Wipe()
    {
        Crash();
        _durable = null;
        _keys.Clear();
        Replica = null;
        Cluster = default;
    }

    /// <summary>What a restarted node loads: a copy of the durable state, or null for a blank disk.</summary>
    public CounterMap? Load() => _durable?.Clone();

    /// <summary>The request keys a restarted node loads, oldest first.</summary>
    public IReadOnlyList<IdempotencyRecord> LoadKeys() => [.. _keys];
}
