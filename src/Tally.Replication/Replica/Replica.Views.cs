using Tally.Crdt;

namespace Tally.Replication;

public sealed partial class Replica
{
    readonly Queue<Submitted> _queue = new();
    long _nextTicket;
    long _requestsAnswered;
    long _requestsReplayed;
    long _viewsCounted;

    /// <summary>Takes a view request; its answer comes in a later (or the next) <see cref="TakeReady"/>. A retry of a
    /// known idempotency key is answered from the first request (at once with its totals and today's counts, or when
    /// the first is answered) and counts nothing; the same key with a different request is <see cref="ViewStatus.KeyConflict"/>.</summary>
    /// <exception cref="ArgumentException">No items, more than one item for Add/Raise, an amount 0 to add, or an
    /// invalid key: the host validates requests first.</exception>
    public ViewTicket Submit(ViewRequest request)
    {
        Validate(request);
        var ticket = new ViewTicket(++_nextTicket);
        if (request.Write is { Kind: LevelKind.Count, Count: > 1 } level && level.Count > _node.LevelMembers())
        {
            // Before the key is looked at or taken: nothing is counted, and a retry with a reachable level may count.
            Give(new ViewAnswer(ticket, ViewStatus.LevelUnreachable,
                $"w={level} names more replicas than the {_node.LevelMembers()} this node counts (itself, the members that have not left, and peers not yet heard from).",
                [], [], 0, false));
            return ticket;
        }
        var now = NowMs;
        var submitted = new Submitted(ticket, request, now);
        if (request.IdempotencyKey is { } key && _keys.Enabled)
        {
            var fingerprint = Fingerprints.Of(request);
            if (_keys.Find(key, now) is { } known)
            {
                Replay(ticket, request, known, fingerprint);
                return ticket;
            }
            submitted.Key = _keys.Add(key, fingerprint, now);
            submitted.Key.First = submitted;
        }
        if (_stopped)
        {
            Refuse(submitted, ViewStatus.Stopped, "The node is stopping; send the views to another node.");
        }
        else if (_leaveRequested)
        {
            Refuse(submitted, ViewStatus.Leaving, "The node is leaving the cluster and takes no more views; send them to another node.");
        }
        else if (_storageDown is { } reason)
        {
            Refuse(submitted, ViewStatus.StorageFailed, reason);
        }
        else if (_queue.Count >= _options.ViewQueueMax)
        {
            Refuse(submitted, ViewStatus.Busy, "Too many views are waiting for the disk; retry shortly.");
        }
        else
        {
            _queue.Enqueue(submitted);
        }
        return ticket;
    }

    static void Validate(ViewRequest request)
    {
        if (request.Items.Count == 0 || request.Kind != ViewKind.Batch && request.Items.Count != 1)
        {
            throw new ArgumentException($"A {request.Kind} request has {request.Items.Count} items.", nameof(request));
        }
        if (request.Kind != ViewKind.Raise)
        {
            for (var i = 0; i < request.Items.Count; i++)
            {
                if (request.Items[i].Amount == 0)
                {
                    throw new ArgumentException("Views to add must be at least 1.", nameof(request));
                }
            }
        }
        if (request.IdempotencyKey is { } key && !IdempotencyRecord.IsValidKey(key))
        {
            throw new ArgumentException("An idempotency key is 1-255 visible ASCII characters.", nameof(request));
        }
    }

    /// <summary>A retry of a known key: the first answer, a wait for it, or a conflict.</summary>
    void Replay(ViewTicket ticket, ViewRequest request, KeyEntry known, UInt128 fingerprint)
    {
        if (known.Fingerprint != fingerprint)
        {
            Give(new ViewAnswer(ticket, ViewStatus.KeyConflict,
                "This idempotency key was already used for a different request; use a new key for a new request.", [], [], 0, false));
        }
        else if (known.First is { } first)
        {
            (first.Followers ??= []).Add((ticket, request.Write));
        }
        else if (known.Answer is { } answer)
        {
            // The first answer's totals and the counts as of now (never lower than the first ones); a retry waits for
            // its own write level again, for the version that holds the first request's views.
            _requestsReplayed++;
            Give(answer with { Ticket = ticket, Counts = CountsOf(request.Items), Added = 0, Replayed = true }, request.Write);
        }
        else
        {
            // Taken by an earlier process: its totals are on disk, so the current version holds them; the count is
            // today's (no lower than then).
            _requestsReplayed++;
            Give(new ViewAnswer(ticket, ViewStatus.Ok, null, known.Stored!, CountsOf(request.Items), 0, true)
                { Version = _node.State.Version }, request.Write);
        }
    }

    /// <summary>Starts own appends while commit slots are free and requests wait. Not while a failed append's
    /// outcome is open, a snapshot waits for the commits in flight, a leave was asked for, or the store is down.</summary>
    void StartCommits()
    {
        while (_queue.Count > 0 && _ownInFlight < _options.CommitsInFlightMax && !_draining && !_snapshotWaiting
            && !_leaveRequested && !_stopped && _storageDown is null)
        {
            StartCommit();
        }
    }

    void StartCommit()
    {
        var batch = ChainBase();
        var requests = new List<Submitted>(Math.Min(_queue.Count, _options.CommitViewsMax));
        while (requests.Count < _options.CommitViewsMax && _queue.TryDequeue(out var request))
        {
            if (Prepare(batch, request))
            {
                requests.Add(request);
            }
        }
        if (requests.Count == 0)
        {
            return;
        }
        if (batch.Count == 0)
        {
            // Raises to the current entry only: nothing to write, and what they answer is durable already.
            foreach (var request in requests)
            {
                Answer(request, ViewStatus.Ok, null);
            }
            return;
        }
        var commit = new OwnCommit(NextNumber(), batch, requests, [.. _open]);
        var keys = new List<IdempotencyRecord>();
        foreach (var c in commit.Covers.Append(commit))
        {
            keys.AddRange(c.Requests.Select(r => r.Record).OfType<IdempotencyRecord>());
        }
        _open.Add(commit);
        _ownByNumber.Add(commit.Number, commit);
        _ownInFlight++;
        _ownAppends++;
        _appends.Add(new Append(commit.Number, AppendKind.Own, batch, keys, requests.Count));
    }

    /// <summary>The own entries of the commits still open that are above the applied state: a new batch starts from
    /// them, so it holds every entry of every open commit (absolute values) and, if durable, makes them durable.</summary>
    /// <remarks>The newest open commit already holds every older open one (it was built on them), so it alone is the
    /// base. Entries already applied are left out, so a batch holds at most its own and its predecessors' rows.</remarks>
    CounterMap ChainBase()
    {
        var batch = new CounterMap();
        if (_open.Count == 0)
        {
            return batch;
        }
        var newest = _open[^1].Batch;
        foreach (var video in newest.Videos)
        {
            var entry = newest.EntryOf(video, Id);
            if (entry > _node.Total(video))
            {
                batch.RaiseTo(video, Id, entry);
            }
        }
        return batch;
    }

    /// <summary>Adds one request to <paramref name="batch"/>, or answers it (overflow, regression) and leaves the
    /// batch as if it had never been tried.</summary>
    bool Prepare(CounterMap batch, Submitted request)
    {
        var items = request.Request.Items;
        try
        {
            if (request.Request.Kind == ViewKind.Raise)
            {
                var before = Math.Max(_node.Total(items[0].Video), batch.EntryOf(items[0].Video, Id));
                request.Totals[0] = _node.PrepareRaise(batch, items[0].Video, items[0].Amount);
                request.Added = request.Totals[0] - before;
                return true;
            }
            if (items.Count == 1)
            {
                // PrepareView leaves the batch unchanged when it refuses, so one item needs no scratch map.
                request.Totals[0] = _node.PrepareView(batch, items[0].Video, items[0].Amount);
                request.Added = items[0].Amount;
                return true;
            }
            // Into a scratch map first, so a batch request that overflows on its third item leaves nothing behind.
            var scratch = new CounterMap();
            ulong added = 0;
            for (var i = 0; i < items.Count; i++)
            {
                var video = items[i].Video;
                var chained = batch.EntryOf(video, Id);
                if (chained > scratch.EntryOf(video, Id))
                {
                    scratch.RaiseTo(video, Id, chained);
                }
                request.Totals[i] = _node.PrepareView(scratch, video, items[i].Amount);
                added += items[i].Amount;
            }
            batch.Merge(scratch);
            request.Added = added;
            return true;
        }
        catch (CounterOverflowException e)
        {
            Refuse(request, ViewStatus.Overflow, e.Message);
        }
        catch (CounterRegressionException e)
        {
            Refuse(request, ViewStatus.Regression, e.Message);
        }
        return false;
    }

    /// <summary>Answers a request whose views are durable and applied (Ok), or refused.</summary>
    void Answer(Submitted request, ViewStatus status, string? detail)
    {
        var ok = status == ViewStatus.Ok;
        var items = request.Request.Items;
        var answer = new ViewAnswer(request.Ticket, status, detail,
            ok ? request.Totals : [], ok ? CountsOf(items) : [], ok ? request.Added : 0, false)
            { Version = ok ? _node.State.Version : 0 };
        if (ok)
        {
            _viewsCounted += (long)Math.Min(request.Added, long.MaxValue);
        }
        Give(answer, request.Request.Write);
        if (request.Key is { } key)
        {
            _keys.Complete(key, answer);
        }
        foreach (var (follower, level) in request.Followers ?? [])
        {
            _requestsReplayed++;
            Give(answer with { Ticket = follower, Added = 0, Replayed = true }, level);
        }
    }

    void Refuse(Submitted request, ViewStatus status, string detail) => Answer(request, status, detail);

    void RefuseQueued(ViewStatus status, string detail)
    {
        while (_queue.TryDequeue(out var request))
        {
            Refuse(request, status, detail);
        }
    }

    void Give(ViewAnswer answer)
    {
        _requestsAnswered++;
        _answers.Add(answer);
    }

    /// <summary>Each item's video count as known now.</summary>
    UInt128[] CountsOf(IReadOnlyList<ViewItem> items)
    {
        var counts = new UInt128[items.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = _node.Count(items[i].Video);
        }
        return counts;
    }
}
