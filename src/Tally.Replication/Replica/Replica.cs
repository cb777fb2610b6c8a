using Tally.Crdt;

namespace Tally.Replication;

/// <summary>One replica as every host runs it: the gossip core (<see cref="ReplicaNode"/>) plus every rule that makes
/// a node safe, as one deterministic state machine (etcd-io/raft's <c>Ready</c> shape; TigerBeetle's replica with
/// its storage and message bus stubbed). Inputs: <see cref="Submit"/>, <see cref="Receive"/>, <see cref="Tick"/>,
/// <see cref="AppendDurable"/>/<see cref="AppendFailed"/>, <see cref="SnapshotDone"/>/<see cref="SnapshotFailed"/>,
/// <see cref="Leave"/>, <see cref="Stop"/>. Outputs: <see cref="TakeReady"/>.</summary>
/// <remarks>
/// <para>Not thread-safe, no threads, clocks, files or sockets: the host serializes every call (one loop or one lock)
/// and executes the outputs. Time comes only from the <see cref="TimeProvider"/>.</para>
/// <para>The rules (docs: the design note of issue 9):</para>
/// <list type="number">
/// <item>A view is answered only after an append holding it is durable, and after it is applied in memory.</item>
/// <item>Own appends: up to <see cref="ReplicaOptions.CommitsInFlightMax"/> at once, each holding absolute entries
/// built on every earlier own append still open, so a durable later append makes every earlier one durable too.</item>
/// <item>After an own append fails, no new own append starts until none is in flight; then every failed one no later
/// durable append covered is answered <see cref="ViewStatus.StorageFailed"/> and the chain restarts from the applied
/// state: no view answered "not counted" is on disk, and none is built upon.</item>
/// <item>Merged deltas are appended (one merge append at a time, merges waiting meanwhile folded into the next); a
/// failed one is appended again. A message leaves only after every merge made before it is durable: it
/// acknowledges them, and a leaving peer exits on one acknowledgement.</item>
/// <item>Leave waits until no own append is open, then begins; the replica asks to exit once a live peer
/// acknowledged everything, or after <see cref="ReplicaOptions.LeaveTimeout"/>.</item>
/// </list>
/// </remarks>
public sealed partial class Replica
{
    readonly ReplicaNode _node;
    readonly ReplicaOptions _options;
    readonly TimeProvider _time;
    readonly KeyTable _keys;
    readonly VideoIndex _index;
    readonly List<Append> _appends = [];
    readonly List<Outgoing> _released = [];
    readonly List<ViewAnswer> _answers = [];
    SnapshotRequest? _snapshot;
    ExitRequest? _exit;
    ClusterIdentity? _cluster;
    IReadOnlyList<string>? _nameConflicts;
    long _nextNumber = 1;
    bool _stopped;

    /// <param name="node">The gossip core, built by the host from what it loaded; the host never touches it again.</param>
    /// <param name="keys">Idempotency records loaded from disk (those outside the window are dropped).</param>
    public Replica(ReplicaNode node, ReplicaOptions options, TimeProvider time, IEnumerable<IdempotencyRecord>? keys = null)
    {
        _node = node;
        _options = options;
        _time = time;
        _keys = new KeyTable(options);
        _index = new VideoIndex(node.State);
        if (keys is not null && _keys.Enabled)
        {
            _keys.Load(keys, NowMs);
        }
    }

    public ReplicaId Id => _node.Id;

    /// <summary>The node's name, for people (<see cref="ReplicaId.Name"/>).</summary>
    public string Name => _node.Name;

    /// <summary>The cluster this replica belongs to.</summary>
    public ClusterIdentity Cluster => _node.Cluster;

    /// <summary>Names used by more than one live replica, as of the last round.</summary>
    public IReadOnlyList<string> NameConflicts => _node.NameConflicts;

    /// <summary>True while another live replica uses this node's name.</summary>
    public bool OwnNameConflict => _node.OwnNameConflict;

    public string Address => _node.Address;

    public long Incarnation => _node.Incarnation;

    public long Round => _node.Round;

    public ReplicaPhase Phase => _stopped ? ReplicaPhase.Stopped : _leaveRequested ? ReplicaPhase.Leaving : ReplicaPhase.Serving;

    /// <summary>Own appends handed out and not yet reported durable or failed.</summary>
    public int OwnAppendsInFlight => _ownInFlight;

    /// <summary>Requests waiting for a commit slot.</summary>
    public int QueuedRequests => _queue.Count;

    /// <summary>Messages held until the merges they acknowledge are durable.</summary>
    public int HeldMessages => _outbox.Count;

    /// <summary>Idempotency keys remembered now.</summary>
    public int KeysRemembered => _keys.Count;

    /// <summary>The gossip core's counters (a copy).</summary>
    public ReplicaStats GossipStats => _node.Stats.Copy();

    public ReplicaCommitStats CommitStats => new(_ownAppends, _ownFailed, _mergeAppends, _mergeFailed, _viewsCounted,
        _requestsAnswered, _requestsReplayed, _messagesDropped, _snapshots);

    /// <summary>Videos in the state.</summary>
    public int VideoCount => _node.State.Count;

    /// <summary>The state's version: it changes with every applied own batch and every merge that changed something.</summary>
    public long Version => _node.State.Version;

    /// <summary>One video's counter as known here: this replica's entry is its <c>total</c>, the sum its <c>count</c>
    /// (an empty counter for an unknown video). Only applied, durable own views are in it.</summary>
    public GCounter Read(VideoId video) => _node.State.Get(video);

    /// <summary>Replaces the seeds this replica contacts while it knows no live member (what peer discovery finds now).</summary>
    public void ReplaceSeeds(IEnumerable<string> seeds) => _node.ReplaceSeeds(seeds);

    /// <summary>Up to <paramref name="limit"/> videos in ordinal id order after <paramref name="after"/> (from the
    /// first when null), each with this replica's entry and the sum, and whether more follow.</summary>
    public (IReadOnlyList<VideoTotals> Videos, bool More) Page(string? after, int limit)
    {
        var (ids, more) = _index.Page(after, limit);
        var videos = new List<VideoTotals>(ids.Count);
        foreach (var id in ids)
        {
            var video = VideoId.Parse(id);
            videos.Add(new VideoTotals(video, _node.Total(video), _node.Count(video)));
        }
        return (videos, more);
    }

    /// <summary>Every member this replica knows, itself first.</summary>
    public IReadOnlyList<MemberView> Members() => _node.Members();

    /// <summary>Collects what the host must do now and clears it: starts own appends for waiting requests (as many as
    /// free commit slots allow), the merge append, a due snapshot; releases messages whose merges are durable; gives
    /// the answers of durable or refused requests; an exit request once.</summary>
    public Ready TakeReady()
    {
        Advance();
        if (_appends.Count == 0 && _released.Count == 0 && _answers.Count == 0 && _snapshot is null && _exit is null &&
            _cluster is null && _nameConflicts is null)
        {
            return Ready.Empty;
        }
        var ready = new Ready([.. _appends], [.. _released], [.. _answers], _snapshot, _exit, _cluster, _nameConflicts);
        _appends.Clear();
        _released.Clear();
        _answers.Clear();
        _snapshot = null;
        _exit = null;
        _cluster = null;
        _nameConflicts = null;
        return ready;
    }

    /// <summary>The host is stopping: queued requests and new ones are answered <see cref="ViewStatus.Stopped"/>;
    /// appends in flight still report their outcome (wait for them, while <see cref="OwnAppendsInFlight"/> is not 0,
    /// if the host can).</summary>
    public void Stop()
    {
        _stopped = true;
        RefuseQueued(ViewStatus.Stopped, "The node is stopping; send the views to another node.");
        ExpireLevelWaits("The node is stopping before enough replicas acknowledged.");
    }

    /// <summary>Reports that append <paramref name="number"/> is durable. <paramref name="snapshotDue"/>: the store
    /// says its log has grown enough for a snapshot.</summary>
    /// <exception cref="ArgumentException">No append with that number is in flight (a host bug).</exception>
    public void AppendDurable(long number, bool snapshotDue = false)
    {
        _storeSnapshotDue |= snapshotDue;
        if (_mergeInFlight is { } merge && merge.Append.Number == number)
        {
            MergeDurable(merge);
            return;
        }
        OwnDurable(TakeOwn(number));
    }

    /// <summary>Reports that append <paramref name="number"/> failed (nothing of it is on disk).</summary>
    /// <exception cref="ArgumentException">No append with that number is in flight (a host bug).</exception>
    public void AppendFailed(long number, string reason)
    {
        if (_mergeInFlight is { } merge && merge.Append.Number == number)
        {
            MergeFailed(merge);
            return;
        }
        OwnFailed(TakeOwn(number), reason);
    }

    void Advance()
    {
        BeginLeaveIfDrained();
        CheckLeave();
        StartSnapshotIfDue();
        StartCommits();
        StartMergeAppend();
        CheckLevels();
        Release();
    }

    long NextNumber() => _nextNumber++;

    long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
