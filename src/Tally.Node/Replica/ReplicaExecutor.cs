using System.Diagnostics;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary>The node's one executor of its <see cref="Replica"/>, which holds every rule that makes the node safe.
/// Every input (a view request, a gossip message, a round, the outcome of an append or a snapshot, a leave, the stop)
/// enters under one lock, and right after it the replica's <see cref="Ready"/> is carried out, in number order:
/// appends and the snapshot are handed to the <see cref="IStateStore"/> (their outcome comes back as the next input),
/// released messages go to the <see cref="GossipSender"/>, answers complete the waiting HTTP requests, and an exit
/// request stops the process. It decides nothing itself.</summary>
/// <remarks>Nothing here blocks under the lock: a store call only queues its write, a send only starts, and an outcome
/// always comes back on another thread (<see cref="ConfigureAwaitOptions.ForceYielding"/>), so a Ready is carried out
/// whole, in order, before the next input is taken. Answers are handed to the waiting requests after the lock is
/// released (<see cref="CompleteAnswers"/>), and their continuations run right there on that thread: a group commit's
/// requests then finish on the thread that took its outcome instead of waking one pool thread each.</remarks>
public sealed partial class ReplicaExecutor(
    IOptions<NodeOptions> nodeOptions,
    IOptions<ReplicaOptions> replicaOptions,
    IOptions<ReplicationOptions> replicationOptions,
    IStateStore store,
    IIncarnationSource incarnations,
    IIdentityStore identity,
    PeerDiscovery discovery,
    GossipSender sender,
    TimeProvider time,
    NodeMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<ReplicaExecutor> logger) : IHostedService
{
    readonly NodeOptions _options = nodeOptions.Value;
    readonly Lock _sync = new();
    readonly Dictionary<ViewTicket, TaskCompletionSource<ViewAnswer>> _waiting = [];
    List<(TaskCompletionSource<ViewAnswer> Waiting, ViewAnswer Answer)> _answered = [];
    volatile bool _answersPending;
    readonly Dictionary<long, long> _appendStarted = [];
    Replica? _replica;
    ReplicaId? _id;
    volatile NodePhase _phase = NodePhase.Loading;
    long? _snapshotInFlight;
    TaskCompletionSource? _drained;

    /// <summary>This replica's id (made with its data directory); known once <see cref="StartAsync"/> has loaded it.</summary>
    public ReplicaId Id => _id ?? throw new UnreachableException("The replica id is read before the replica was loaded.");

    /// <summary>The node's name (<c>--id</c>), for people.</summary>
    public string Name => _options.Id;

    public string Address => _options.Address;

    /// <summary>Read without the lock: updated under it after every input.</summary>
    public NodePhase Phase => _phase;

    /// <summary>Why the store cannot write now (disk full, I/O error), or null.</summary>
    public string? StorageUnavailable => store.Unavailable;

    Replica Replica => _replica ?? throw new UnreachableException("The replica is used before it was loaded.");

    /// <summary>Loads the state, the request keys and the identity, and creates the replica. The server starts
    /// listening after this.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var loaded = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        // The configured peers and what DNS discovery finds now (normalized URLs).
        var seeds = await discovery.SeedsAsync(cancellationToken).ConfigureAwait(false);
        // An empty directory is a new replica with a new id: it never continues an earlier replica's entries, so a
        // lost disk cannot count views again under numbers a peer already holds, and it takes views at once.
        var id = identity.LoadOrCreateReplica(_options.Id, hasLegacyState: loaded is not null);
        var configured = string.IsNullOrEmpty(_options.ClusterId) ? (ClusterId?)null : ClusterId.Parse(_options.ClusterId);
        var stored = identity.LoadCluster();
        var cluster = ClusterIdentity.AtStart(stored, configured, seeds.Count > 0, () => ClusterId.New(time.GetUtcNow()));
        if (cluster != stored)
        {
            identity.SaveCluster(cluster);
        }
        var incarnation = incarnations.Next();
        var seed = _options.Seed != 0 ? _options.Seed : Random.Shared.Next();
        var node = new ReplicaNode(id, Address, incarnation, replicationOptions.Value, time, new Random(seed), loaded, seeds, cluster);
        var replica = new Replica(node, replicaOptions.Value, time, store.LoadedKeys);
        lock (_sync)
        {
            _id = id;
            _replica = replica;
            Pump();
        }
        CompleteAnswers();
        metrics.Observe(this);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Log.Loaded(logger, Name, replica.VideoCount, loaded is null, id.Value, cluster.Id?.Value ?? "(none yet)", incarnation,
            elapsed.TotalMilliseconds, replica.KeysRemembered);
    }

    /// <summary>Takes a view request; completes with its answer (once its views are durable, or refused).</summary>
    public Task<ViewAnswer> SubmitAsync(ViewRequest request)
    {
        // Completed only outside the lock (CompleteAnswers), so its continuation may run inline.
        var answered = new TaskCompletionSource<ViewAnswer>();
        lock (_sync)
        {
            _waiting.Add(Replica.Submit(request), answered);
            Pump();
        }
        CompleteAnswers();
        return answered.Task;
    }

    /// <summary>Takes in one gossip message. Null, or the refusal to answer (a message of another cluster).</summary>
    public GossipRefusal? Receive(GossipMessage message)
    {
        var started = Stopwatch.GetTimestamp();
        GossipRefusal? refused;
        lock (_sync)
        {
            refused = Replica.Receive(message);
            Pump();
        }
        CompleteAnswers();
        if (refused is not null)
        {
            Log.Refused(logger, message.Sender.Id.Value, refused.Detail);
            metrics.GossipRefused(refused.Reason);
        }
        metrics.Merged(Stopwatch.GetElapsedTime(started));
        return refused;
    }

    /// <summary>Hands the seeds peer discovery finds now to the replica.</summary>
    public void ReplaceSeeds(IEnumerable<string> seeds)
    {
        lock (_sync)
        {
            Replica.ReplaceSeeds(seeds);
        }
    }

    /// <summary>One gossip round.</summary>
    public void Tick()
    {
        lock (_sync)
        {
            Replica.Tick();
            Pump();
        }
        CompleteAnswers();
    }

    /// <summary>Graceful leave: views are refused from now on; the process exits once a live peer acknowledged all
    /// of this node's state (or after <see cref="ReplicaOptions.LeaveTimeout"/>).</summary>
    public NodePhase Leave()
    {
        lock (_sync)
        {
            Replica.Leave();
            Pump();
        }
        CompleteAnswers();
        Log.Leaving(logger, Name);
        return _phase;
    }

    /// <summary>The stop: refuses new views, then waits (up to <paramref name="cancellationToken"/>) for the own appends in flight
    /// and a last snapshot, so the next start replays a short log.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task drained;
        lock (_sync)
        {
            if (_replica is null)
            {
                return;
            }
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
            Replica.Stop();
            if (Replica.RowsSinceSnapshot > 0)
            {
                Replica.RequestSnapshot();
            }
            Pump();
        }
        CompleteAnswers();
        try
        {
            await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.StopCut(logger, Name);
        }
    }

    /// <summary>Under the lock, after every input: carries out what the replica asks, in number order.</summary>
    void Pump()
    {
        var ready = Replica.TakeReady();
        if (ready.Cluster is { } cluster)
        {
            // Before anything this step merged is stored: the disk never holds a cluster's state under another id.
            identity.SaveCluster(cluster);
            Log.ClusterAdopted(logger, cluster.Id?.Value ?? "");
        }
        var snapshot = ready.Snapshot;
        foreach (var append in ready.Appends)
        {
            if (snapshot is not null && snapshot.Number < append.Number)
            {
                StartSnapshot(snapshot);
                snapshot = null;
            }
            StartAppend(append);
        }
        if (snapshot is not null)
        {
            StartSnapshot(snapshot);
        }
        sender.Send(ready.Messages);
        foreach (var answer in ready.Answers)
        {
            if (answer.Status == ViewStatus.Ok && answer.Added > 0)
            {
                metrics.ViewsReceived((long)Math.Min(answer.Added, long.MaxValue));
            }
            if (_waiting.Remove(answer.Ticket, out var answered))
            {
                _answered.Add((answered, answer));
                _answersPending = true;
            }
        }
        if (ready.NameConflicts is { } names)
        {
            ReportNameConflicts(names);
        }
        if (ready.Exit is { } exit)
        {
            if (exit.Reason == ExitReason.Left)
            {
                Log.LeaveComplete(logger, Name, exit.Detail);
            }
            else
            {
                Log.LeaveTimedOut(logger, Name, exit.Detail);
            }
            lifetime.StopApplication();
        }
        _phase = Replica.Phase switch
        {
            ReplicaPhase.Serving => NodePhase.Ready,
            ReplicaPhase.Leaving => NodePhase.Leaving,
            _ => NodePhase.Stopping,
        };
        if (Replica.LevelWaits > 0)
        {
            ArmLevelTimer();
        }
        if (_drained is not null && Replica.OwnAppendsInFlight == 0 && _snapshotInFlight is null)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Outside the lock, after every input: completes the requests Pump answered. Their continuations (the
    /// rest of each HTTP handler: writing the response) run here, inline, never under the lock.</summary>
    void CompleteAnswers()
    {
        if (!_answersPending)
        {
            return;
        }
        List<(TaskCompletionSource<ViewAnswer> Waiting, ViewAnswer Answer)> answered;
        lock (_sync)
        {
            answered = _answered;
            _answered = [];
            _answersPending = false;
        }
        foreach (var (waiting, answer) in answered)
        {
            waiting.TrySetResult(answer);
        }
    }

    void ReportNameConflicts(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            Log.NameConflictsResolved(logger, Id.Value);
            return;
        }
        foreach (var member in Replica.Members().Where(m => m.NameConflict))
        {
            Log.NameConflict(logger, member.Name, member.Id.Value, member.Address, member.IsSelf);
        }
    }
}
