using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tally.Replication;

namespace Tally.Node;

/// <summary>The one place where view requests are matched to their <c>Idempotency-Key</c>, so a retry gets the first
/// answer instead of counting again. A counted request's key is written in the same durable record as its views
/// (<see cref="ViewRecorder"/>) and reloaded at start (<see cref="Restore"/>), so this holds across kill -9 and
/// restarts. Bounded in time (<see cref="NodeOptions.IdempotencyWindow"/>, from when the node took the request) and in
/// keys (<see cref="NodeOptions.IdempotencyKeysMax"/>, oldest forgotten first). Keys belong to the node (its data
/// directory) that took them: a retry sent to another node counts again.</summary>
public sealed class IdempotencyCache(IOptions<NodeOptions> options, TimeProvider time)
{
    public const string HeaderName = "Idempotency-Key";

    /// <summary>Response header set on an answer that a retry got from a remembered request.</summary>
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    public const int KeyLengthMax = IdempotencyRecord.KeyLengthMax;

    readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    readonly Queue<Entry> _order = new();
    readonly Lock _lock = new();
    readonly TimeSpan _window = options.Value.IdempotencyWindow;
    readonly int _keysMax = options.Value.IdempotencyKeysMax;

    sealed record Entry(string Key, UInt128 Fingerprint, PendingView View, DateTimeOffset Expires);

    public bool Enabled => _keysMax > 0;

    /// <summary>Keys remembered now (for tests and metrics).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>1 to 255 visible ASCII characters.</summary>
    public static bool IsValidKey(string key) => IdempotencyRecord.IsValidKey(key);

    /// <summary>Which keys a snapshot keeps: those still inside the window, at most the newest
    /// <see cref="NodeOptions.IdempotencyKeysMax"/>.</summary>
    public KeyRetention Retention => Enabled
        ? new KeyRetention((time.GetUtcNow() - _window).ToUnixTimeMilliseconds(), _keysMax)
        : KeyRetention.None;

    /// <summary>Submits a view request at most once per key: without an <c>Idempotency-Key</c> header it is simply
    /// submitted; with one, a request already taken under that key (in this process, or durably before a restart)
    /// is returned instead (<see cref="Admission.Replayed"/>), and <paramref name="submit"/> runs only for a new key.</summary>
    /// <param name="fingerprint">The request's <see cref="Fingerprints.Of"/> (kind, videos, amounts): a retry must have
    /// the same. The core's <see cref="Replica"/> computes it the same way, so stored keys stay valid when it takes over.</param>
    /// <param name="request">The new request; its key is stamped on it so the recorder stores the key with its views.</param>
    /// <param name="submit">Queues the request (<see cref="ViewRecorder.Submit"/>).</param>
    /// <returns>The request to wait for, or the problem to answer: 400 for a malformed key, 422 for a key used for
    /// a different request.</returns>
    internal Admission Admit(HttpRequest http, UInt128 fingerprint, PendingView request, Func<PendingView, PendingView> submit)
    {
        if (!Enabled || !http.Headers.TryGetValue(HeaderName, out var values))
        {
            return new Admission(submit(request), false, null);
        }
        var key = values.ToString();
        if (values.Count != 1 || !IsValidKey(key))
        {
            return new Admission(null, false, Problems.BadIdempotencyKey());
        }
        var now = time.GetUtcNow();
        PendingView view;
        lock (_lock)
        {
            Evict(now);
            if (_entries.TryGetValue(key, out var known) && !WasRefused(known.View))
            {
                return known.Fingerprint == fingerprint
                    ? new Admission(known.View, true, null)
                    : new Admission(null, false, Problems.IdempotencyKeyReused());
            }
            request.Key = new IdempotencyRecord(key, fingerprint, now.ToUnixTimeMilliseconds(), []);
            view = submit(request); // under the lock, so two concurrent first tries cannot both count
            Remember(new Entry(key, fingerprint, view, now + _window));
        }
        return new Admission(view, false, null);
    }

    /// <summary>Takes in the keys storage loaded (oldest first), before any request: those still inside the window
    /// answer their retries with the first answer's totals.</summary>
    public void Restore(IReadOnlyList<IdempotencyRecord> keys)
    {
        if (!Enabled)
        {
            return;
        }
        var now = time.GetUtcNow();
        lock (_lock)
        {
            foreach (var key in keys)
            {
                var expires = DateTimeOffset.FromUnixTimeMilliseconds(key.AcceptedUnixMs) + _window;
                if (expires > now)
                {
                    Remember(new Entry(key.Key, key.Fingerprint, PendingView.Answered(key.Totals), expires));
                }
            }
            Evict(now);
        }
    }

    /// <summary>Under the lock. A later entry for a key replaces an earlier one.</summary>
    void Remember(Entry entry)
    {
        _entries[entry.Key] = entry;
        _order.Enqueue(entry);
    }

    /// <summary>A refused request (not ready, busy, leaving, storage unavailable, shutting down) counted nothing, so
    /// its key is as good as forgotten: a retry is processed as a new request. Refusals by the data (a lower total,
    /// an overflow) are answers, remembered like a success. A request still running is not refused (yet): a retry
    /// waits for it.</summary>
    static bool WasRefused(PendingView view) =>
        view.Completion.IsCompleted && view.Status is not (ViewStatus.Ok or ViewStatus.Regression or ViewStatus.Overflow);

    /// <summary>Under the lock: forgets expired keys, and the oldest ones beyond the count limit.</summary>
    void Evict(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && (oldest.Expires <= now || _order.Count >= _keysMax || !IsCurrent(oldest)))
        {
            _order.Dequeue();
            if (IsCurrent(oldest))
            {
                _entries.Remove(oldest.Key);
            }
        }
    }

    bool IsCurrent(Entry entry) => _entries.TryGetValue(entry.Key, out var current) && current == entry;

    /// <summary>What <see cref="Admit"/> decided: the request to wait for (<paramref name="Replayed"/> when it is an
    /// earlier request under the same key), or the problem to answer.</summary>
    internal readonly record struct Admission(PendingView? View, bool Replayed, ProblemHttpResult? Problem);
}
