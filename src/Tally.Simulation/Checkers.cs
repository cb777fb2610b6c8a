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
/// all its incarnations. No node ever holds an entry of r for v above D(r, v) (checked per entry: every step for rows
/// of up to <see cref="EntryCheckReplicasMax"/> replicas, every <see cref="EntryCheckSampling"/>th step above), and no
/// count exceeds Σ_r D(r, v) (every step). Σ_r D(r, v) ≤ acknowledged(v), equal unless a replica re-issued entries
/// (see <b>Own entries</b>). Views prepared but not yet durable are never visible anywhere.</para>
/// <para><b>Monotonic</b> (every step). Within one incarnation of a node its count for a video never decreases. Across
/// a crash with the disk kept the node restarts from what its disk held: its own entries must be where they were (own
/// views are applied only after they are durable: checked at the restart), but its count may fall back to the disk's,
/// since merged deltas are appended without waiting and a crash loses the unflushed tail. That is allowed: the
/// restarted node has a new incarnation, its peers reset their marks and send the lost merges again. A node
/// restarted with a blank disk (or one whose recovery never completed) starts from zero and takes no views until it
/// has recovered.</para>
/// <para><b>Own entries</b> (every view, every restart). A node that takes a view must hold its own entry at
/// D(self, v) at least; otherwise the new entry repeats numbers already issued and merge (a max) absorbs acknowledged
/// views.</para>
/// <para><b>Persist</b> (every step). Every change of a node's map is in the delta the core hands to the host to store.</para>
/// <para><b>Converged</b>. Once armed (views stopped, faults healed), the run has converged when every node that is up
/// counts exactly the acknowledged views of every video; the run then also checks that their entries are equal.</para>
/// </remarks>
public sealed class Checkers(IReadOnlyList<VideoId> videos, IReadOnlyList<SimNode> nodes, Func<TimeSpan> now)
{
    readonly Dictionary<string, int> _videoIndex = videos.Select((v, i) => (v.Value, i)).ToDictionary(p => p.Value, p => p.i);
    readonly Dictionary<string, int> _replicaIndex = [];
    readonly List<ulong[]> _durableOwnMax = [];
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

    public ulong DurableOwn(int node, int video) => _durableOwnMax[node][video];

    public int VideoIndex(VideoId video) => _videoIndex[video.Value];

    internal void Register(SimNode node)
    {
        _replicaIndex[node.Id.Value] = node.Index;
        _durableOwnMax.Add(new ulong[videos.Count]);
        _lastCount.Add(new UInt128[videos.Count]);
        _mismatched.Add(0);
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
            ref var max = ref _durableOwnMax[node.Index][v];
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
        if (current < _durableOwnMax[node.Index][v])
        {
            Fail("own-entry", $"{node.Address} takes a view of {video} with its own entry at {current}, below the {_durableOwnMax[node.Index][v]} " +
                "it made durable before: merge would absorb acknowledged views");
        }
    }

    /// <summary>A node (re)started. With <paramref name="diskKept"/>, its own entries must be where they were.</summary>
    internal void OnStarted(SimNode node, bool diskKept)
    {
        var state = node.Replica!.State;
        var counts = _lastCount[node.Index];
        for (var v = 0; v < videos.Count; v++)
        {
            counts[v] = state.ValueOf(videos[v]);
            if (diskKept && node.Replica.Total(videos[v]) < _durableOwnMax[node.Index][v])
            {
                Fail("own-entry", $"{node.Address} restarted from its disk with its own entry for {videos[v]} at {node.Replica.Total(videos[v])}, " +
                    $"below the {_durableOwnMax[node.Index][v]} it made durable: the disk lost own views (or holds a half-finished recovery), and it takes views at once");
            }
            CheckRow(node, state, videos[v], v);
        }
        Recount(node);
    }

    /// <summary>A node crashed or left: it no longer counts towards convergence.</summary>
    internal void OnStopped(SimNode node)
    {
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
                var delta = (count != _target[v] ? 1 : 0) - (counts[v] != _target[v] ? 1 : 0);
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
            n += counts[v] != _target[v] ? 1 : 0;
        }
        _mismatched[node.Index] = n;
        _mismatchedTotal += n;
    }
}
