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
    IRecoveryMarker recoveryMarker,
    ILogger<ReplicaHost> logger) : IDisposable
{
    readonly NodeOptions _options = nodeOptions.Value;
    ReplicaNode? _node;
    volatile NodePhase _phase = NodePhase.Loading;
    long _logRowsSinceSnapshot;
    (ulong Root, long Version)? _digest;
    long _digestAt;
    bool _recoveryPending;
    bool _recoveryPersisting;

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

    public ReplicaId Id { get; } = ReplicaId.Parse(nodeOptions.Value.Id);

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
        if (seeds.Count > 0)
        {
            if (recoveryMarker.Exists)
            {
                Log.UnfinishedRecovery(logger, Id.Value, recovered?.Count ?? 0);
                recovered = null;
            }
            else if (recovered is null)
            {
                recoveryMarker.Set();
            }
            _recoveryPending = recovered is null;
        }
        else if (recoveryMarker.Exists)
        {
            recoveryMarker.Clear(); // no peer to recover from: what the disk holds is all there is
        }
        var incarnation = incarnations.Next();
        var seed = _options.Seed != 0 ? _options.Seed : Random.Shared.Next();
        var node = new ReplicaNode(Id, Address, incarnation, replicationOptions.Value, time, new Random(seed), recovered, seeds);
        lock (Sync)
        {
            _node = node;
            Index.AddAll(node.State);
            UpdatePhase();
        }
        metrics.Observe(this);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Log.Loaded(logger, Id.Value, node.State.Count, recovered is null, incarnation, elapsed.TotalMilliseconds, _phase);
    }

    /// <summary>One gossip round. Send the messages only once <c>Durable</c> completes: they acknowledge merges.</summary>
    public (Effects Effects, Task Durable) Tick()
    {
        lock (Sync)
        {
            var effects = Node.Tick();
            UpdatePhase();
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
        Log.Leaving(logger, Id.Value);
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

    /// <summary>Call under <see cref="Sync"/> after any step.</summary>
    /// <summary>Only under <see cref="Sync"/>. A node that recovered from an empty disk stays Recovering until the
    /// recovered state is durable and the recovery marker is gone, so a crash right after cannot trust a partial disk.</summary>
    void UpdatePhase()
    {
        if (Node.IsLeaving)
        {
            _phase = NodePhase.Leaving;
        }
        else if (!Node.IsReady)
        {
            _phase = NodePhase.Recovering;
        }
        else if (_recoveryPending)
        {
            _phase = NodePhase.Recovering;
            if (!_recoveryPersisting)
            {
                _recoveryPersisting = true;
                _ = FinishRecoveryAsync(Node.State.Clone());
            }
        }
        else
        {
            _phase = NodePhase.Ready;
        }
    }

    /// <summary>Makes the recovered state durable, then clears the marker, then lets views in.</summary>
    async Task FinishRecoveryAsync(CounterMap recovered)
    {
        try
        {
            await store.AppendAsync(recovered, CancellationToken.None).ConfigureAwait(false);
            recoveryMarker.Clear();
            lock (Sync)
            {
                _recoveryPending = false;
                UpdatePhase();
            }
            Log.Recovered(logger, Id.Value, recovered.Count);
        }
        catch (Exception e)
        {
            Log.RecoveryNotStored(logger, e, Id.Value);
            lock (Sync)
            {
                _recoveryPersisting = false; // the next step tries again
            }
        }
    }

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} loaded {Videos} videos (empty disk: {Empty}) as incarnation {Incarnation} in {Milliseconds} ms; phase {Phase}")]
        public static partial void Loaded(ILogger logger, string nodeId, int videos, bool empty, long incarnation, double milliseconds, NodePhase phase);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} was still recovering from peers when it stopped; it ignores the {Videos} videos on disk and recovers again")]
        public static partial void UnfinishedRecovery(ILogger logger, string nodeId, int videos);

        [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} recovered {Videos} videos from its peers; the state is on disk and views are taken")]
        public static partial void Recovered(ILogger logger, string nodeId, int videos);

        [LoggerMessage(Level = LogLevel.Error, Message = "Node {NodeId} could not store its recovered state; it keeps refusing views and tries again")]
        public static partial void RecoveryNotStored(ILogger logger, Exception exception, string nodeId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} is leaving: views are refused; it exits once a live peer has acknowledged all its state")]
        public static partial void Leaving(ILogger logger, string nodeId);
    }
}
