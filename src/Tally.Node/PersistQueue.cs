using Tally.Crdt;

namespace Tally.Node;

/// <summary>Appends what gossip merged (<c>Effects.Persist</c>, queued in the <see cref="MergeJournal"/>) to storage,
/// folding whatever queued up meanwhile into one append, then signals each entry durable so the messages that
/// acknowledge it may leave; and takes snapshots.</summary>
/// <remarks>Snapshots run here, between appends of merged deltas, so the state they copy holds every merged delta
/// appended before them (gossip deltas are merged before they are queued). Own batches: see
/// <see cref="SnapshotAsync"/>.</remarks>
public sealed partial class PersistQueue : BackgroundService
{
    readonly ReplicaHost _host;
    readonly MergeJournal _journal;
    readonly IdempotencyCache _idempotency;
    readonly ILogger<PersistQueue> _logger;
    int _snapshotRequested;

    /// <summary>Merged deltas whose append failed (storage unavailable). They are in memory, so a peer resending them
    /// changes nothing and they would never be appended again: the next append carries them first, and every message
    /// waits for that append, so nothing is acknowledged that is not on disk.</summary>
    CounterMap? _unwritten;

    public PersistQueue(ReplicaHost host, MergeJournal journal, IdempotencyCache idempotency, ILogger<PersistQueue> logger)
    {
        _host = host;
        _journal = journal;
        _idempotency = idempotency;
        _logger = logger;
    }

    /// <summary>Asks for a snapshot after the appends queued so far.</summary>
    public void RequestSnapshot()
    {
        if (Interlocked.Exchange(ref _snapshotRequested, 1) == 0)
        {
            _journal.Wake();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _journal.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await DrainAsync(CancellationToken.None).ConfigureAwait(false);
                if (Interlocked.Exchange(ref _snapshotRequested, 0) == 1)
                {
                    await SnapshotAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Whatever gossip merged before the stop, and a snapshot so the next start replays a short log.
        _journal.Complete();
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        if (_host.Phase != NodePhase.Loading && _host.LogRowsSinceSnapshot > 0)
        {
            await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    async Task DrainAsync(CancellationToken ct)
    {
        var combined = _unwritten;
        var folded = combined is null ? 0 : 1; // counts maps folded into a map of our own
        var waiting = new List<TaskCompletionSource>();
        while (_journal.Reader.TryRead(out var entry))
        {
            if (entry.Durable is { } durable)
            {
                waiting.Add(durable);
            }
            if (entry.Delta is not { } delta)
            {
                continue;
            }
            if (combined is null)
            {
                combined = delta;
            }
            else
            {
                if (folded++ == 0)
                {
                    var first = combined;
                    combined = new CounterMap(first.Count + delta.Count);
                    combined.Merge(first);
                }
                combined.Merge(delta);
            }
        }
        if (combined is null || combined.Count == 0)
        {
            waiting.ForEach(w => w.TrySetResult());
            return;
        }
        try
        {
            await _host.Store.AppendAsync(combined, ct).ConfigureAwait(false);
            _unwritten = null;
            _host.NoteAppended(combined.Count);
            waiting.ForEach(w => w.TrySetResult());
        }
        catch (Exception e)
        {
            // The state is in memory, but it must not be acknowledged: the messages waiting on it are dropped, and the
            // delta is kept for the next append.
            if (_unwritten is null)
            {
                Log.AppendFailed(_logger, e, combined.Count);
            }
            _unwritten = folded > 0 ? combined : combined.Clone(); // folded: a map of our own; else the journal's delta
            waiting.ForEach(w => w.TrySetException(e));
        }
    }

    /// <summary>Writes a snapshot of the state. <see cref="Storage.FileStateStore"/> folds into it whatever was appended
    /// before the call but is not in the state yet (an own batch between disk and memory), so views go on meanwhile;
    /// any other store gets the literal contract of <see cref="Replication.IStateStore.SnapshotAsync"/>: every commit
    /// slot is held, so no own batch is appended but unapplied while it runs.</summary>
    async Task SnapshotAsync(CancellationToken ct)
    {
        var exclusive = _host.Store is Storage.FileStateStore ? null : await _host.Commits.ExclusiveAsync(ct).ConfigureAwait(false);
        try
        {
            CounterMap state;
            long covered;
            lock (_host.Sync)
            {
                state = _host.Node.State.Clone();
                covered = _host.LogRowsSinceSnapshot;
            }
            await _host.Store.SnapshotAsync(state, _idempotency.Retention, ct).ConfigureAwait(false);
            _host.NoteSnapshot(covered);
            Log.Snapshot(_logger, state.Count, covered);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.SnapshotFailed(_logger, e);
        }
        finally
        {
            if (exclusive is not null)
            {
                await exclusive.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not append {Videos} merged videos to storage; the messages acknowledging them are dropped")]
        public static partial void AppendFailed(ILogger logger, Exception exception, int videos);

        [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot of {Videos} videos written; it replaces {Rows} log rows")]
        public static partial void Snapshot(ILogger logger, int videos, long rows);

        [LoggerMessage(Level = LogLevel.Error, Message = "Could not write a snapshot; the log keeps growing until one succeeds")]
        public static partial void SnapshotFailed(ILogger logger, Exception exception);
    }
}
