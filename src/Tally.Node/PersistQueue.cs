using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Tally.Crdt;

namespace Tally.Node;

/// <summary>Appends what gossip merged (<c>Effects.Persist</c>) to storage, folding whatever queued up meanwhile
/// into one append, and takes snapshots. The core does not need these appends before it sends: a node that restarts
/// without them gets a new incarnation and its peers send them again.</summary>
/// <remarks>Snapshots run here, between appends of merged deltas, so the state they copy holds every merged delta
/// appended before them (gossip deltas are merged before they are queued). Own batches: see
/// <see cref="SnapshotAsync"/>.</remarks>
public sealed partial class PersistQueue : BackgroundService
{
    readonly ReplicaHost _host;
    readonly ILogger<PersistQueue> _logger;
    readonly Channel<CounterMap?> _queue;
    int _snapshotRequested;

    public PersistQueue(ReplicaHost host, IOptions<NodeOptions> options, ILogger<PersistQueue> logger)
    {
        _host = host;
        _logger = logger;
        _queue = Channel.CreateBounded<CounterMap?>(new BoundedChannelOptions(options.Value.PersistQueueMax)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Queues a merged delta; waits while the queue is full (back-pressure on gossip).</summary>
    public ValueTask EnqueueAsync(CounterMap delta, CancellationToken ct) => _queue.Writer.WriteAsync(delta, ct);

    /// <summary>Asks for a snapshot after the appends queued so far.</summary>
    public void RequestSnapshot()
    {
        if (Interlocked.Exchange(ref _snapshotRequested, 1) == 0)
        {
            _queue.Writer.TryWrite(null);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
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
        _queue.Writer.TryComplete();
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        if (_host.Phase != NodePhase.Loading && _host.LogRowsSinceSnapshot > 0)
        {
            await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    async Task DrainAsync(CancellationToken ct)
    {
        CounterMap? combined = null;
        var folded = 0;
        while (_queue.Reader.TryRead(out var delta))
        {
            if (delta is null)
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
            return;
        }
        try
        {
            await _host.Store.AppendAsync(combined, ct).ConfigureAwait(false);
            _host.NoteAppended(combined.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not fatal: the state is in memory and peers resend it after a restart.
            Log.AppendFailed(_logger, e, combined.Count);
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
            await _host.Store.SnapshotAsync(state, ct).ConfigureAwait(false);
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
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not append {Videos} merged videos to storage; peers will resend them after a restart")]
        public static partial void AppendFailed(ILogger logger, Exception exception, int videos);

        [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot of {Videos} videos written; it replaces {Rows} log rows")]
        public static partial void Snapshot(ILogger logger, int videos, long rows);

        [LoggerMessage(Level = LogLevel.Error, Message = "Could not write a snapshot; the log keeps growing until one succeeds")]
        public static partial void SnapshotFailed(ILogger logger, Exception exception);
    }
}
