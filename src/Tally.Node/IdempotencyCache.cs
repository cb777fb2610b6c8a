using Microsoft.Extensions.Options;

namespace Tally.Node;

/// <summary>Remembers view requests by their <c>Idempotency-Key</c> so a retry gets the first answer instead of
/// counting again. Bounded in time (<see cref="NodeOptions.IdempotencyWindow"/>) and in keys
/// (<see cref="NodeOptions.IdempotencyKeysMax"/>, oldest forgotten first). In memory: a key is known to the node
/// (and process) that took it, not to other nodes or after a restart.</summary>
public sealed class IdempotencyCache(IOptions<NodeOptions> options, TimeProvider time)
{
    public const string HeaderName = "Idempotency-Key";
    public const int KeyLengthMax = 255;

    readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    readonly Queue<Entry> _order = new();
    readonly Lock _lock = new();
    readonly TimeSpan _window = options.Value.IdempotencyWindow;
    readonly int _keysMax = options.Value.IdempotencyKeysMax;

    sealed record Entry(string Key, string Fingerprint, PendingView View, DateTimeOffset Expires);

    public bool Enabled => _keysMax > 0;

    /// <summary>1 to 255 visible ASCII characters.</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and <= KeyLengthMax && !key.AsSpan().ContainsAnyExceptInRange('!', '~');

    /// <summary>The request remembered under <paramref name="key"/>, or the one <paramref name="submit"/> starts
    /// now. Null when the key was used for a different request (<paramref name="fingerprint"/> differs).</summary>
    internal PendingView? GetOrSubmit(string key, string fingerprint, Func<PendingView> submit)
    {
        var now = time.GetUtcNow();
        PendingView view;
        lock (_lock)
        {
            Evict(now);
            if (_entries.TryGetValue(key, out var known))
            {
                return known.Fingerprint == fingerprint ? known.View : null;
            }
            view = submit(); // under the lock, so two concurrent first tries cannot both count
            var entry = new Entry(key, fingerprint, view, now + _window);
            _entries.Add(key, entry);
            _order.Enqueue(entry);
        }
        _ = ForgetIfRefusedAsync(key, view);
        return view;
    }

    /// <summary>A refused request (not ready, busy, storage error) did not count: let a retry try again.</summary>
    async Task ForgetIfRefusedAsync(string key, PendingView view)
    {
        await view.Completion.ConfigureAwait(false);
        if (view.Status is ViewStatus.Ok or ViewStatus.Regression or ViewStatus.Overflow)
        {
            return;
        }
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.View == view)
            {
                _entries.Remove(key);
            }
        }
    }

    void Evict(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && (oldest.Expires <= now || _order.Count >= _keysMax))
        {
            _order.Dequeue();
            if (_entries.TryGetValue(oldest.Key, out var current) && current == oldest)
            {
                _entries.Remove(oldest.Key);
            }
        }
    }
}
