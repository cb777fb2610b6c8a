using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Records own views with group commit: requests queue up while earlier commits are on their way to disk;
/// then one loop takes every waiting request, prepares them into one batch under the replica lock
/// (<c>PrepareView</c>/<c>PrepareRaise</c>), appends the batch to storage once (one fsync for all), applies it under
/// the lock and completes each request with its total and count. A view is acknowledged only after it is durable.</summary>
/// <remarks>Up to <see cref="NodeOptions.CommitsInFlightMax"/> commits run at once, so the store always has the next
/// batch queued when an fsync ends. A batch builds on the entries of the batches still in flight
/// (<see cref="ReplicaHost.PendingOwn"/>): entries are absolute, so two batches never write the same entry for
/// different views, and whichever lands last on disk holds every view before it.</remarks>
public sealed partial class ViewRecorder : BackgroundService
{
    readonly ReplicaHost _host;
    readonly NodeMetrics _metrics;
    readonly ILogger<ViewRecorder> _logger;
    readonly Channel<PendingView> _queue;
    readonly int _commitMax;

    public ViewRecorder(ReplicaHost host, NodeMetrics metrics, IOptions<NodeOptions> options, ILogger<ViewRecorder> logger)
    {
        _host = host;
        _metrics = metrics;
        _logger = logger;
        _commitMax = options.Value.CommitViewsMax;
        _queue = Channel.CreateBounded<PendingView>(new BoundedChannelOptions(options.Value.ViewQueueMax)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Queues a request for the next commit; a request that cannot be taken now completes at once with
    /// its reason (not ready, leaving, storage unavailable, queue full, shutting down).</summary>
    internal PendingView Submit(PendingView view)
    {
        var refused = _host.Phase switch
        {
            NodePhase.Ready => ViewStatus.Pending,
            NodePhase.Leaving => ViewStatus.Leaving,
            _ => ViewStatus.NotReady,
        };
        if (refused == ViewStatus.Pending && _host.Store.Unavailable is { } reason)
        {
            view.Fail(ViewStatus.StorageFailed, reason).Complete(); // refused at once until the store recovers
            return view;
        }
        if (refused == ViewStatus.Pending && !_queue.Writer.TryWrite(view))
        {
            refused = _queue.Reader.Completion.IsCompleted ? ViewStatus.ShuttingDown : ViewStatus.Busy;
        }
        if (refused != ViewStatus.Pending)
        {
            view.Fail(refused).Complete();
        }
        return view;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await _host.Commits.EnterAsync(stoppingToken).ConfigureAwait(false);
                var requests = new List<PendingView>(Math.Min(_queue.Reader.Count, _commitMax));
                while (requests.Count < _commitMax && _queue.Reader.TryRead(out var request))
                {
                    requests.Add(request);
                }
                // A commit, once begun, finishes: its requests must learn whether they are durable.
                _ = CommitAsync(Prepare(requests), requests);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            await using (await _host.Commits.ExclusiveAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var request))
                {
                    request.Fail(ViewStatus.ShuttingDown).Complete();
                }
            }
        }
    }

    /// <summary>Appends <paramref name="batch"/>, applies it and completes the requests; releases the commit slot.</summary>
    async Task CommitAsync(CounterMap batch, List<PendingView> requests)
    {
        try
        {
            // The keys of the requests counted here go in the same record as their views: durable together or not at all.
            var keys = requests.Where(r => r.Status == ViewStatus.Pending).Select(r => r.KeyWithTotals()).OfType<IdempotencyRecord>().ToList();
            if (batch.Count > 0 || keys.Count > 0)
            {
                var started = Stopwatch.GetTimestamp();
                await _host.Store.AppendAsync(batch, keys, CancellationToken.None).ConfigureAwait(false);
                _metrics.Committed(Stopwatch.GetElapsedTime(started), requests.Count);
                _host.NoteAppended(batch.Count);
            }
            Apply(batch, requests);
        }
        catch (Exception e)
        {
            // Storage failed (disk full, I/O error): nothing of this batch is applied or acknowledged.
            Log.CommitFailed(_logger, e, requests.Count);
            lock (_host.Sync)
            {
                EndCommit();
            }
            foreach (var request in requests.Where(r => r.Status == ViewStatus.Pending))
            {
                request.Fail(ViewStatus.StorageFailed, e.Message);
            }
        }
        finally
        {
            _host.Commits.Exit();
            ulong added = 0;
            foreach (var request in requests)
            {
                added += request.Status == ViewStatus.Pending ? request.Added : 0;
                request.Complete();
            }
            if (added > 0)
            {
                _metrics.ViewsReceived((long)Math.Min(added, long.MaxValue));
            }
        }
    }

    /// <summary>Under the lock: one commit fewer in flight; with none left, the pending entries are all applied.</summary>
    void EndCommit()
    {
        if (--_host.CommitsInFlight == 0)
        {
            _host.PendingOwn = new CounterMap();
        }
    }

    /// <summary>Prepares every request into one batch of absolute own entries. A request the replica refuses is
    /// failed and leaves the batch as if it had never been tried.</summary>
    CounterMap Prepare(List<PendingView> requests)
    {
        var batch = new CounterMap();
        lock (_host.Sync)
        {
            var node = _host.Node;
            var pending = _host.PendingOwn;
            foreach (var request in requests)
            {
                if (request.Status != ViewStatus.Pending)
                {
                    continue;
                }
                if (node.IsLeaving)
                {
                    request.Fail(ViewStatus.Leaving);
                    continue;
                }
                try
                {
                    PrepareOne(node, pending, batch, request);
                }
                catch (CounterOverflowException e)
                {
                    request.Fail(ViewStatus.Overflow, e.Message);
                    if (request.Kind == ViewKind.Batch)
                    {
                        batch = Rebuild(node, pending, requests, request); // its first items may be in the batch already
                    }
                }
                catch (CounterRegressionException e)
                {
                    request.Fail(ViewStatus.Regression, e.Message);
                }
            }
            pending.Merge(batch);
            _host.CommitsInFlight++;
        }
        return batch;
    }

    /// <summary>Starts <paramref name="video"/>'s own entry in <paramref name="batch"/> from the entry a batch still
    /// in flight wrote, if that is above the applied one.</summary>
    static void Chain(ReplicaNode node, CounterMap pending, CounterMap batch, VideoId video)
    {
        var inFlight = pending.EntryOf(video, node.Id);
        if (inFlight > batch.EntryOf(video, node.Id) && inFlight > node.Total(video))
        {
            batch.RaiseTo(video, node.Id, inFlight);
        }
    }

    static void PrepareOne(ReplicaNode node, CounterMap pending, CounterMap batch, PendingView request)
    {
        switch (request.Kind)
        {
            case ViewKind.Add:
                Chain(node, pending, batch, request.Video);
                request.Total = node.PrepareView(batch, request.Video, request.Amount);
                request.Added = request.Amount;
                break;
            case ViewKind.Raise:
                Chain(node, pending, batch, request.Video);
                var before = Math.Max(node.Total(request.Video), batch.EntryOf(request.Video, node.Id));
                request.Total = node.PrepareRaise(batch, request.Video, request.Amount);
                request.Added = request.Total - before;
                break;
            case ViewKind.Batch:
                var items = request.Items!;
                ulong added = 0;
                for (var i = 0; i < items.Length; i++)
                {
                    Chain(node, pending, batch, items[i].Video);
                    request.Totals![i] = node.PrepareView(batch, items[i].Video, items[i].Amount);
                    added += items[i].Amount;
                }
                request.Added = added;
                break;
            default:
                throw new UnreachableException($"Unknown view kind {request.Kind}.");
        }
    }

    /// <summary>Prepares again every request before <paramref name="failed"/> that succeeded: the same inputs on the
    /// same state give the same batch, without the failed request's partial items.</summary>
    static CounterMap Rebuild(ReplicaNode node, CounterMap pending, List<PendingView> requests, PendingView failed)
    {
        var batch = new CounterMap();
        foreach (var request in requests)
        {
            if (request == failed)
            {
                break;
            }
            if (request.Status == ViewStatus.Pending)
            {
                PrepareOne(node, pending, batch, request);
            }
        }
        return batch;
    }

    void Apply(CounterMap batch, List<PendingView> requests)
    {
        lock (_host.Sync)
        {
            var node = _host.Node;
            if (batch.Count > 0)
            {
                node.ApplyOwn(batch);
                _host.Index.AddNew(node.State, batch);
            }
            foreach (var request in requests)
            {
                if (request.Status != ViewStatus.Pending)
                {
                    continue;
                }
                if (request.Kind == ViewKind.Batch)
                {
                    var items = request.Items!;
                    for (var i = 0; i < items.Length; i++)
                    {
                        request.Counts![i] = node.Count(items[i].Video);
                    }
                }
                else
                {
                    request.Count = node.Count(request.Video);
                }
            }
            EndCommit(); // last: a failure before it is ended by the caller
        }
    }

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Could not commit {Requests} view requests to storage; they were refused")]
        public static partial void CommitFailed(ILogger logger, Exception exception, int requests);
    }
}
