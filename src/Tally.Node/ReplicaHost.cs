using System.Diagnostics;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Owns the node's <see cref="ReplicaNode"/>, a synchronous state machine that is not thread-safe: every
/// call into it happens under <see cref="Sync"/>. Own views enter through <see cref="ViewRecorder"/> (prepare under
/// the lock, append to storage, apply under the lock); gossip enters through <see cref="Receive"/>.</summary>
/// <remarks>Each own commit holds one of <see cref="Commits"/> from preparing its batch until it is applied; taking
/// them all (<see cref="CommitSlots.ExclusiveAsync"/>) waits until no batch is between disk and memory, so a leave
/// begun that way covers every acknowledged view.</remarks>
public sealed partial class ReplicaHost(
    IOptions<NodeOptions> nodeOptions,
    IOptions<ReplicationOptions> replicationOptions,
    IStateStore store,
    IIncarnationSource incarnations,
    TimeProvider time,
    NodeMetrics metrics,
    MergeJournal journal,
    IIdentityStore identity,
    ILogger<ReplicaHost> logger) : IDisposable
{
    readonly NodeOptions _options = nodeOptions.Value;
    ReplicaNode? _node;
    volatile NodePhase _phase = NodePhase.Loading;
    long _logRowsSinceSnapshot;
    (ulong Root, long Version)? _digest;
    long _digestAt;
    ReplicaId? _id;

    internal Lock Sync { get; } = new();

    internal CommitSlots Commits { get; } = new(nodeOptions.Value.CommitsInFlightMax);

    /// <summary>Own entries of the batches prepared but not yet applied (absolute values), so the next batch builds on
    /// them while they are on their way to disk. Only under <see cref="Sync"/>; emptied when no commit is in flight.</summary>
    internal CounterMap PendingOwn { get; set; } = new();

    /// <summary>Commits prepared and not yet applied or failed. Only under <see cref="Sync"/>.</summary>
    internal int CommitsInFlight { get; set; }

    internal VideoIndex Index { get; } = new();

    /// <summary>The core. Only under <see cref="Sync"/>.</summary>
    internal ReplicaNode Node => _node ?? throw new UnreachableException("The replica is used before it was loaded.");

    /// <summary>This replica's id (made with its data directory); known once <see cref="StartAsync"/> has loaded it.</summary>
    public ReplicaId Id => _id ?? throw new UnreachableException("The replica id is read before the replica was loaded.");

    /// <summary>The node's name (<c>--id</c>), for people.</summary>
    public string Name => _options.Id;

    public string Address => _options.Address;

    /// <summary>Read without the lock: updated under it after every step that can change it.</summary>
    public NodePhase Phase => _phase;

    internal IStateStore Store => store;

    /// <summary>Loads the state from storage and creates the replica with <paramref name="seeds"/> (the configured
    /// peers and those DNS discovery found, normalized URLs). The server starts listening after this.</summary>
    public async Task StartAsync(IReadOnlyList<string> seeds, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var recovered = await store.LoadAsync(ct).ConfigureAwait(false);
        // An empty directory is a new replica with a new id: it never continues an earlier replica's entries, so a
        // lost disk cannot count views again under numbers a peer already holds, and it takes views at once.
        var id = identity.LoadOrCreateReplica(_options.Id, hasLegacyState: recovered is not null);
        var configured = string.IsNullOrEmpty(_options.ClusterId) ? (ClusterId?)null : ClusterId.Parse(_options.ClusterId);
        var stored = identity.LoadCluster();
        var cluster = ClusterIdentity.AtStart(stored, configured, seeds.Count > 0, () => ClusterId.New(time.GetUtcNow()));
        if (cluster != stored)
        {
            identity.SaveCluster(cluster);
        }
        _id = id;
        var incarnation = incarnations.Next();
        var seed = _options.Seed != 0 ? _options.Seed : Random.Shared.Next();
        var node = new ReplicaNode(id, Address, incarnation, replicationOptions.Value, time, new Random(seed), recovered,
            seeds, cluster);
        lock (Sync)
        {
            _node = node;
            Index.AddAll(node.State);
            UpdatePhase();
        }
        metrics.Observe(this);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Log.Loaded(logger, Name, node.State.Count, recovered is null, id.Value, cluster.Id?.Value ?? "(none yet)", incarnation, elapsed.TotalMilliseconds);
    }

    /// <summary>One gossip round. Send the messages only once <c>Durable</c> completes: they acknowledge merges.</summary>
    public (Effects Effects, Task Durable) Tick()
    {
        lock (Sync)
        {
            var effects = Node.Tick();
            UpdatePhase();
            if (effects.NameConflicts is { } names)
            {
                ReportNameConflicts(names);
            }
            return (effects, journal.Barrier);
        }
    }

    /// <summary>Takes in one gossip message and queues what it merged for storage. Send the replies only once
    /// <c>Durable</c> completes: they acknowledge the merge.</summary>
    public (Effects Effects, Task Durable) Receive(GossipMessage message)
    {
        var started = Stopwatch.GetTimestamp();
        Effects effects;
        Task durable;
        lock (Sync)
        {
            effects = Node.Receive(message);
            if (effects.Refused is { } refused)
            {
                Log.Refused(logger, message.Sender.Id.Value, refused.Detail);
                metrics.GossipRefused(refused.Reason);
                return (effects, Task.CompletedTask);
            }
            if (effects.Cluster is { } cluster)
            {
                // Before anything this message merged is stored: the disk never holds a cluster's state under no id
                // or another id. Rare (once per node), so the lock is held over the write.
                identity.SaveCluster(cluster);
                Log.ClusterAdopted(logger, cluster.Id?.Value ?? "", message.Sender.Id.Value);
            }
            Index.AddNew(Node.State, effects.Persist);
            UpdatePhase();
            durable = effects.Persist is { } delta ? journal.Add(delta) : journal.Barrier;
        }
        metrics.Merged(Stopwatch.GetElapsedTime(started));
        return (effects, durable);
    }

    /// <summary>Begins a graceful leave once no own batch is between disk and memory, so the leave covers every
    /// acknowledged view. Views are refused from here on.</summary>
    public async Task BeginLeaveAsync(CancellationToken ct)
    {
        await using (await Commits.ExclusiveAsync(ct).ConfigureAwait(false))
        {
            lock (Sync)
            {
                Node.BeginLeave();
                UpdatePhase();
            }
        }
        Log.Leaving(logger, Name);
    }

    /// <summary>Hands the seeds peer discovery currently finds to the replica (<see cref="ReplicaNode.ReplaceSeeds"/>).</summary>
    public void ReplaceSeeds(IEnumerable<string> seeds)
    {
        lock (Sync)
        {
            Node.ReplaceSeeds(seeds);
        }
    }

    public bool LeaveComplete()
    {
        lock (Sync)
        {
            return Node.LeaveComplete;
        }
    }

    public ReplicaStats Stats()
    {
        lock (Sync)
        {
            return Node.Stats.Copy();
        }
    }

    public int VideoCount()
    {
        lock (Sync)
        {
            return Node.State.Count;
        }
    }

    /// <summary>The root of the state's digest and the version it was computed at. Computing it costs a pass over every
    /// video under the lock, so while the state keeps changing it is recomputed at most once per gossip interval.</summary>
    public (ulong Root, long Version) Digest()
    {
        var now = time.GetTimestamp();
        lock (Sync)
        {
            var state = Node.State;
            if (_digest is not { } cached || cached.Version != state.Version &&
                time.GetElapsedTime(_digestAt, now) >= replicationOptions.Value.GossipInterval)
            {
                _digest = (state.Digest(replicationOptions.Value.DigestBuckets).Root, state.Version);
                _digestAt = now;
            }
            return _digest.Value;
        }
    }

    /// <summary>True while another live replica uses this node's name (as of the last gossip round).</summary>
    public bool OwnNameConflict()
    {
        lock (Sync)
        {
            return _node is { OwnNameConflict: true };
        }
    }

    /// <summary>Names used by more than one live replica (as of the last gossip round).</summary>
    public int NameConflictCount()
    {
        lock (Sync)
        {
            return _node?.NameConflicts.Count ?? 0;
        }
    }

    public IReadOnlyList<MemberView> Members()
    {
        lock (Sync)
        {
            return Node.Members();
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

    /// <summary>Counts rows appended since the last snapshot. <see cref="Storage.FileStateStore"/> says itself when a
    /// snapshot is due (bytes of log); for another store one is due once the log holds about as many rows as the state
    /// (so snapshots cost O(1) amortized per append).</summary>
    internal void NoteAppended(int rows) => Interlocked.Add(ref _logRowsSinceSnapshot, rows);

    internal bool SnapshotDue(int stateCount) => store is Storage.FileStateStore file
        ? file.NeedsSnapshot
        : Interlocked.Read(ref _logRowsSinceSnapshot) >= Math.Max(stateCount, 10_000);

    internal void NoteSnapshot(long rowsCovered) => Interlocked.Add(ref _logRowsSinceSnapshot, -rowsCovered);

    internal long LogRowsSinceSnapshot => Interlocked.Read(ref _logRowsSinceSnapshot);

    public void Dispose() => Commits.Dispose();

    /// <summary>The cluster as this node knows it. Only under <see cref="Sync"/>.</summary>
    internal ClusterIdentity Cluster => Node.Cluster;

    /// <summary>Only under <see cref="Sync"/>, after any step.</summary>
    void UpdatePhase() => _phase = Node.IsLeaving ? NodePhase.Leaving : NodePhase.Ready;

    void ReportNameConflicts(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            Log.NameConflictsResolved(logger, Id.Value);
            return;
        }
        foreach (var member in Node.Members().Where(m => m.NameConflict))
        {
            Log.NameConflict(logger, member.Name, member.Id.Value, member.Address, member.IsSelf);
        }
    }

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Node {Name} loaded {Videos} videos (empty disk: {Empty}) as replica {ReplicaId} of cluster {ClusterId}, incarnation {Incarnation}, in {Milliseconds} ms")]
        public static partial void Loaded(ILogger logger, string name, int videos, bool empty, string replicaId, string clusterId, long incarnation, double milliseconds);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Refused gossip from {ReplicaId}: {Detail}")]
        public static partial void Refused(ILogger logger, string replicaId, string detail);

        [LoggerMessage(Level = LogLevel.Information, Message = "Joined cluster {ClusterId} (heard from {ReplicaId}); the id is stored")]
        public static partial void ClusterAdopted(ILogger logger, string clusterId, string replicaId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Name conflict: node name {Name} is used by more than one live replica; {ReplicaId} at {Address} (this node: {IsSelf}) is one. Each counts under its own replica id, so no view is lost, but give each process its own --id")]
        public static partial void NameConflict(ILogger logger, string name, string replicaId, string address, bool isSelf);

        [LoggerMessage(Level = LogLevel.Information, Message = "Name conflicts resolved: every live replica seen by {ReplicaId} has its own name again")]
        public static partial void NameConflictsResolved(ILogger logger, string replicaId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} is leaving: views are refused; it exits once a live peer has acknowledged all its state")]
        public static partial void Leaving(ILogger logger, string nodeId);
    }
}
