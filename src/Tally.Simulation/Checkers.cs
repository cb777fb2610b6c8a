using Tally.Crdt;

namespace Tally.Simulation;

/// <summary>Invariants checked after every step of a run (TigerBeetle's VOPR checkers). A step changes at most one
/// node's map, and the core hands the changed videos to the host to store, so the checkers look only at those.</summary>
/// <remarks>
/// <para><b>Acknowledged.</b> A view is acknowledged when the group commit holding it completes: the host then applies
/// it and answers the client (the real node's 200). In the simulator those happen in one step. The bound is stated
/// over durable own entries, which is what stays true if an acknowledgement is still on its way to the client: a view
/// in flight whose ack was not yet delivered is durable, so it may already be counted.</para>
/// <para><b>Bound</b> (every step). Let D(r, v) be the highest own entry replica r ever made durable for video v, over
/// all its incarnations (a replica is a disk: a node that lost its disk is a new replica r', with its own D). No node ever holds an entry of r for v above D(r, v) (checked per entry: every step for rows
/// of up to <see cref="EntryCheckReplicasMax"/> replicas, every <see cref="EntryCheckSampling"/>th step above), and no
/// count exceeds Σ_r D(r, v) (every step). Σ_r D(r, v) ≤ acknowledged(v), equal unless a replica re-issued entries
/// (see <b>Own entries</b>). Views prepared but not yet durable are never visible anywhere.</para>
/// <para><b>Monotonic</b> (every step). Within one incarnation of a node its count for a video never decreases. Across
/// a crash with the disk kept the node restarts from what its disk held: its own entries must be where they were (own
/// views are applied only after they are durable: checked at the restart), but its count may fall back to the disk's,
/// since merged deltas are appended without waiting and a crash loses the unflushed tail. That is allowed: the
/// restarted node has a new incarnation, its peers reset their marks and send the lost merges again. A node
/// restarted with a blank disk is a new replica: its own entries start at zero, as its D does.</para>
/// <para><b>Own entries</b> (every view, every restart). A node that takes a view must hold its own entry at
/// D(self, v) at least; otherwise the new entry repeats numbers already issued and merge (a max) absorbs acknowledged
/// views.</para>
/// <para><b>Persist</b> (every step). Every change of a node's map is in the delta the core hands to the host to store.</para>
/// <para><b>Converged</b>. Once armed (views stopped, faults healed), the run has converged when every node that is up
/// counts exactly the acknowledged views of every video, less those <em>destroyed</em>: views whose every durable copy
/// was on disks that are lost (the replica's own disk lost before a peer stored them, or a leaver's views on a peer
/// whose disk is lost); no protocol can bring those back. Destroyed(v) = Σ over gone replicas r (disk lost, or left)
/// of D(r, v) - S(r, v), where S(r, v) is the highest entry of r durable on a disk that still exists: computed at each
/// disk loss, raised whenever a flush stores a higher copy. A crash never destroys anything (memory is not a copy).
/// <b>Leave</b>: when a replica completes its leave, a disk that still exists must hold all of its durable entries. The run then also checks that their entries are
/// equal.</para>
/// </remarks>
public sealed class Checkers(IReadOnlyList<VideoId> videos, IReadOnlyList<SimNode> nodes, Func<TimeSpan> now)
{
    readonly Dictionary<string, int> _videoIndex = videos.Select((v, i) => (v.Value, i)).ToDictionary(p => p.Value, p => p.i);
    readonly Dictionary<string, int> _replicaIndex = [];
    readonly List<ulong[]> _durableOwnMax = [];
    readonly List<int> _nodeReplica = [];
    readonly List<ReplicaId> _replicaIds = [];
    readonly Dictionary<int, ulong[]> _survived = [];
    readonly ulong[] _destroyed = new ulong[videos.Count];
    readonly UInt128[] _boundSum = new UInt128[videos.Count];
    readonly List<UInt128[]> _lastCount = [];
    readonly List<int> _mismatched = [];
    ulong[]? _target;
    long _mismatchedTotal;

    public Violation? First { get; private set; }

    public long Steps { get; private set; }

    public bool Armed => _target is not null;

    /// <summary>True when armed and every up node counts exactly the target of every video.</summary>
    public bool Converged => _target is not null && _mismatchedTotal == 0;

    /// <summary>Σ_r D(r, v): the most any node may count for <paramref name="video"/>.</summary>
    public UInt128 Bound(int video) => _boundSum[video];

    /// <summary>D(r, v) of the replica node <paramref name="node"/> runs now.</summary>
    public ulong DurableOwn(int node, int video) => _durableOwnMax[_nodeReplica[node]][video];

    /// <summary>Replicas that ever ran (a lost disk or a twin adds one).</summary>
    public int ReplicaCount => _durableOwnMax.Count;

    /// <summary>Acknowledged views no surviving copy holds, summed over videos (see Converged in the remarks).</summary>
    public ulong Destroyed => _destroyed.Aggregate(0UL, (a, b) => a + b);

    /// <summary>What every up node must count for video <paramref name="v"/> once converged.</summary>
    ulong Target(int v) => _target![v] - _destroyed[v];

    public int VideoIndex(VideoId video) => _videoIndex[video.Value];

    internal void Register(SimNode node)
    {
        _nodeReplica.Add(-1);
        _lastCount.Add(new UInt128[videos.Count]);
        _mismatched.Add(0);
    }

    /// <summary>The replica a node runs now (registered at its first start).</summary>
    int ReplicaOf(SimNode node)
    {
        if (!_replicaIndex.TryGetValue(node.Id.Value, out var r))
        {
            r = _durableOwnMax.Count;
            _replicaIndex[node.Id.Value] = r;
            _durableOwnMax.Add(new ulong[videos.Count]);
            _replicaIds.Add(node.Id);
        }
        _nodeReplica[node.Index] = r;
        return r;
    }

    void Fail(string checker, string message) => First ??= new Violation(checker, message, now());

    /// <summary>Records a violation found outside the step checks (the first one stops the run).</summary>
    internal void Report(string checker, string message) => Fail(checker, message);

    /// <summary>A group commit made own entries durable (before they are applied).</summary>
    internal void OnDurable(SimNode node, CounterMap batch)
    {
        foreach (var video in batch.Videos)
        {
            var v = _videoIndex[video.Value];
            var entry = batch.EntryOf(video, node.Id);
            ref var max = ref _durableOwnMax[_nodeReplica[node.Index]][v];
            if (entry > max)
            {
                _boundSum[v] += entry - max;
                max = entry;
            }
        }
    }

    /// <summary>Before a node prepares a view: its own entry must not be below one it already made durable.</summary>
    internal void BeforeView(SimNode node, VideoId video, int v)
    {
        var replica = node.Replica!;
        var current = Math.Max(replica.Total(video), node.OwnBatch?.EntryOf(video, node.Id) ?? 0);
        var durable = _durableOwnMax[_nodeReplica[node.Index]][v];
        if (current < durable)
        {
            Fail("own-entry", $"{node.Address} ({node.Id}) takes a view of {video} with its own entry at {current}, below the {durable} " +
                "it made durable before: merge would absorb acknowledged views");
        }
    }

    /// <summary>A node (re)started. With <paramref name="diskKept"/>, its own entries must be where they were.</summary>
    internal void OnStarted(SimNode node, bool diskKept)
    {
        var state = node.Replica!.State;
        var counts = _lastCount[node.Index];
        var durable = _durableOwnMax[ReplicaOf(node)];
        for (var v = 0; v < videos.Count; v++)
        {
            counts[v] = state.ValueOf(videos[v]);
            if (node.Replica.Total(videos[v]) < durable[v])
            {
                Fail("own-entry", $"{node.Address} restarted as {node.Id} with its own entry for {videos[v]} at {node.Replica.Total(videos[v])}, " +
                    $"below the {durable[v]} that replica made durable{(diskKept ? ": the disk lost own views" : ": a blank disk reused a replica id")}, and it takes views at once");
            }
            CheckRow(node, state, videos[v], v);
        }
        Recount(node);
    }

    /// <summary>The disk of crashed <paramref name="node"/> is lost: its replica is gone for good. Records what of
    /// its durable entries survives elsewhere, and counts the rest as destroyed.</summary>
    internal void OnDiskLost(SimNode node)
    {
        if (_nodeReplica[node.Index] is var r and >= 0)
        {
            _survived.TryAdd(r, new ulong[videos.Count]);
        }
        RecountSurvivors(lost: node);
    }

    /// <summary><paramref name="node"/> completed a graceful leave: its views must be durable on another disk.</summary>
    void OnLeft(SimNode node)
    {
        var r = _nodeReplica[node.Index];
        var survived = Durable(_replicaIds[r], r, lost: node);
        for (var v = 0; v < videos.Count; v++)
        {
            if (survived[v] < _durableOwnMax[r][v])
            {
                Fail("leave", $"{node.Address} ({node.Id}) left holding {_durableOwnMax[r][v]} own views of {videos[v]}, but no other disk holds more than {survived[v]}");
            }
        }
        _survived[r] = survived;
    }

    /// <summary>A group commit of <paramref name="node"/>: copies of gone replicas' entries it stored now survive.</summary>
    internal void OnFlushed(SimNode node)
    {
        if (_survived.Count == 0 || node.Disk.Durable is not { } durable)
        {
            return;
        }
        var raised = false;
        foreach (var (r, survived) in _survived)
        {
            for (var v = 0; v < videos.Count; v++)
            {
                var entry = Math.Min(durable.EntryOf(videos[v], _replicaIds[r]), _durableOwnMax[r][v]);
                if (entry > survived[v])
                {
                    _destroyed[v] -= entry - survived[v];
                    survived[v] = entry;
                    raised = true;
                }
            }
        }
        if (raised)
        {
            OnTargetChanged();
        }
    }

    /// <summary>The highest entry of replica <paramref name="id"/> durable on a disk that still exists.</summary>
    ulong[] Durable(ReplicaId id, int r, SimNode? lost)
    {
        var survived = new ulong[videos.Count];
        foreach (var other in nodes)
        {
            if (other == lost || other.Status == NodeStatus.Left || other.Disk.Durable is not { } map)
            {
                continue;
            }
            for (var v = 0; v < videos.Count; v++)
            {
                survived[v] = Math.Max(survived[v], Math.Min(map.EntryOf(videos[v], id), _durableOwnMax[r][v]));
            }
        }
        return survived;
    }

    /// <summary>Recomputes S(r, v) for every gone replica from the durable copies on the disks that still exist
    /// (<paramref name="lost"/>'s disk is about to be wiped).</summary>
    void RecountSurvivors(SimNode lost)
    {
        Array.Clear(_destroyed);
        foreach (var r in _survived.Keys.ToList())
        {
            var survived = Durable(_replicaIds[r], r, lost);
            for (var v = 0; v < videos.Count; v++)
            {
                _destroyed[v] += _durableOwnMax[r][v] - survived[v];
            }
            _survived[r] = survived;
        }
        OnTargetChanged();
    }

    /// <summary>A node crashed or left: it no longer counts towards convergence.</summary>
    internal void OnStopped(SimNode node)
    {
        if (node.Status == NodeStatus.Left)
        {
            OnLeft(node);
        }
        _mismatchedTotal -= _mismatched[node.Index];
        _mismatched[node.Index] = 0;
    }

    /// <summary>After a step of <paramref name="node"/>: <paramref name="rows"/> are the videos the step changed (the
    /// core's <see cref="Tally.Replication.Effects.Persist"/> after a receive, the own batch after a group commit), and
    /// <paramref name="versionBefore"/> the map's version before it. With <paramref name="mustPersist"/>, every change
    /// of the map must be in <paramref name="rows"/>: a merge the host is not told to store would be lost for good.</summary>
    internal void AfterStep(SimNode node, CounterMap? rows, long versionBefore, bool mustPersist)
    {
        Steps++;
        var state = node.Replica?.State;
        if (state is null || state.Version == versionBefore)
        {
            return;
        }
        var changed = state.CountChangedSince(versionBefore);
        if (rows is null || mustPersist && rows.Count != changed)
        {
            Fail("persist", $"{node.Address}'s map changed {changed} videos in one step, but {rows?.Count ?? 0} were handed to the host to store");
            return;
        }
        var counts = _lastCount[node.Index];
        var entries = rows.Replicas.Count <= EntryCheckReplicasMax || Steps % EntryCheckSampling == 0;
        foreach (var video in rows.Videos)
        {
            if (!_videoIndex.TryGetValue(video.Value, out var v))
            {
                Fail("bound", $"{node.Address} counts video {video}, which no client ever viewed");
                continue;
            }
            var count = state.ValueOf(video);
            if (count < counts[v])
            {
                Fail("monotonic", $"{node.Address}'s count for {video} fell from {counts[v]} to {count} within one incarnation");
            }
            CheckCount(node, video, v, count);
            if (entries)
            {
                CheckEntries(node, rows, video, v);
            }
            if (_target is not null)
            {
                var delta = (count != Target(v) ? 1 : 0) - (counts[v] != Target(v) ? 1 : 0);
                _mismatched[node.Index] += delta;
                _mismatchedTotal += delta;
            }
            counts[v] = count;
        }
    }

    /// <summary>Rows with up to this many replicas get the per-entry bound check at every step; wider rows (large
    /// clusters) at every <see cref="EntryCheckSampling"/>th step, since the check costs one lookup per entry. The
    /// count checks run at every step regardless.</summary>
    public const int EntryCheckReplicasMax = 64;

    public const int EntryCheckSampling = 16;

    void CheckRow(SimNode node, CounterMap map, VideoId video, int v)
    {
        CheckCount(node, video, v, map.ValueOf(video));
        CheckEntries(node, map, video, v);
    }

    void CheckCount(SimNode node, VideoId video, int v, UInt128 count)
    {
        if (count > _boundSum[v])
        {
            Fail("bound", $"{node.Address} counts {count} views of {video}, more than the {_boundSum[v]} made durable (acknowledged) in total");
        }
    }

    void CheckEntries(SimNode node, CounterMap map, VideoId video, int v)
    {
        foreach (var replica in map.Replicas)
        {
            var entry = map.EntryOf(video, replica);
            if (entry == 0)
            {
                continue;
            }
            if (!_replicaIndex.TryGetValue(replica.Value, out var r))
            {
                Fail("bound", $"{node.Address} holds entry {entry} of {replica} for {video}, a replica that never existed");
            }
            else if (entry > _durableOwnMax[r][v])
            {
                Fail("bound", $"{node.Address} holds entry {entry} of {replica} for {video}, above the {_durableOwnMax[r][v]} that replica made durable");
            }
        }
    }

    /// <summary>From now on, track convergence to <paramref name="target"/> (the acknowledged views per video; the
    /// array may still grow while the last group commits complete: call <see cref="OnTargetChanged"/>).</summary>
    internal void Arm(ulong[] target)
    {
        _target = target;
        foreach (var node in nodes)
        {
            Recount(node);
        }
    }

    internal void OnTargetChanged()
    {
        if (_target is null)
        {
            return;
        }
        foreach (var node in nodes)
        {
            Recount(node);
        }
    }

    void Recount(SimNode node)
    {
        _mismatchedTotal -= _mismatched[node.Index];
        _mismatched[node.Index] = 0;
        if (_target is null || node.Status != NodeStatus.Up)
        {
            return;
        }
        var counts = _lastCount[node.Index];
        var n = 0;
        for (var v = 0; v < _target.Length; v++)
        {
            n += counts[v] != Target(v) ? 1 : 0;
        }
        _mismatched[node.Index] = n;
        _mismatchedTotal += n;
    }
}
