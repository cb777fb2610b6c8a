namespace Tally.Replication;

/// <summary>The replica's idempotency keys: the newest <see cref="ReplicaOptions.IdempotencyKeysMax"/> accepted within
/// <see cref="ReplicaOptions.IdempotencyWindow"/>, oldest forgotten first. A key maps to its first request while it
/// is in flight, then to its final answer; a refused first try is forgotten so its retry is processed.</summary>
sealed class KeyTable(ReplicaOptions options)
{
    readonly Dictionary<string, KeyEntry> _entries = new(StringComparer.Ordinal);
    readonly Queue<KeyEntry> _order = new();
    readonly long _windowMs = (long)options.IdempotencyWindow.TotalMilliseconds;

    public bool Enabled => options.IdempotencyKeysMax > 0;

    public int Count => _entries.Count;

    /// <summary>The oldest acceptance time a key still in the window may have at <paramref name="nowMs"/>.</summary>
    public long WindowStart(long nowMs) => nowMs - _windowMs;

    public KeyEntry? Find(string key, long nowMs)
    {
        Evict(nowMs, adding: false);
        return _entries.GetValueOrDefault(key);
    }

    public KeyEntry Add(string key, UInt128 fingerprint, long acceptedMs)
    {
        Evict(acceptedMs, adding: true);
        var entry = new KeyEntry(key, fingerprint, acceptedMs);
        _entries[key] = entry;
        _order.Enqueue(entry);
        return entry;
    }

    /// <summary>Takes in records loaded from disk (any order, duplicates allowed: the newest record of a key wins).</summary>
    public void Load(IEnumerable<IdempotencyRecord> records, long nowMs)
    {
        foreach (var record in records.Where(r => r.AcceptedUnixMs > WindowStart(nowMs)).OrderBy(r => r.AcceptedUnixMs))
        {
            var entry = Add(record.Key, record.Fingerprint, record.AcceptedUnixMs);
            entry.Stored = record.Totals;
        }
    }

    /// <summary>The first request ended: remember its answer, or forget the key if nothing was counted.</summary>
    public void Complete(KeyEntry entry, ViewAnswer answer)
    {
        entry.First = null;
        if (answer.Refused)
        {
            if (_entries.TryGetValue(entry.Key, out var current) && current == entry)
            {
                _entries.Remove(entry.Key);
            }
            return;
        }
        entry.Answer = answer;
    }

    void Evict(long nowMs, bool adding)
    {
        var max = options.IdempotencyKeysMax;
        // The queue may hold entries of keys forgotten since (refused first tries): they go when they reach the head.
        while (_order.TryPeek(out var oldest) &&
            (!IsCurrent(oldest) || oldest.AcceptedUnixMs <= WindowStart(nowMs) || adding && _entries.Count >= max))
        {
            _order.Dequeue();
            if (IsCurrent(oldest))
            {
                _entries.Remove(oldest.Key);
            }
        }
    }

    bool IsCurrent(KeyEntry entry) => _entries.TryGetValue(entry.Key, out var current) && current == entry;
}

/// <summary>One remembered key: its first request while in flight, then its answer (or the totals loaded from disk).</summary>
sealed class KeyEntry(string key, UInt128 fingerprint, long acceptedMs)
{
    public string Key => key;
    public UInt128 Fingerprint => fingerprint;
    public long AcceptedUnixMs => acceptedMs;

    /// <summary>The first request, while it waits for its answer; retries join it.</summary>
    public Submitted? First { get; set; }

    /// <summary>The first answer, once given in this process.</summary>
    public ViewAnswer? Answer { get; set; }

    /// <summary>The first answer's totals, loaded from disk (a key taken by an earlier process).</summary>
    public IReadOnlyList<ulong>? Stored { get; set; }
}
