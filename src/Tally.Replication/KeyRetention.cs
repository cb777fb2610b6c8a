namespace Tally.Replication;

/// <summary>Which remembered requests a snapshot keeps: those accepted at or after <paramref name="NotBeforeUnixMs"/>,
/// at most the newest <paramref name="CountMax"/>. Keys outside it are forgotten (a retry of one counts again).</summary>
public readonly record struct KeyRetention(long NotBeforeUnixMs, int CountMax)
{
    /// <summary>What <paramref name="request"/> asks a snapshot to keep.</summary>
    public static KeyRetention Of(SnapshotRequest request) => new(request.KeysSinceUnixMs, request.KeysMax);

    /// <summary>Keeps no key (for stores of hosts that do not use idempotency keys).</summary>
    public static KeyRetention None => new(long.MaxValue, 0);

    public IReadOnlyList<IdempotencyRecord> Apply(IEnumerable<IdempotencyRecord> keys)
    {
        if (CountMax <= 0)
        {
            return [];
        }
        // The newest record of a key wins; then the newest CountMax keys inside the window, oldest first.
        var latest = new Dictionary<string, IdempotencyRecord>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (key.AcceptedUnixMs >= NotBeforeUnixMs &&
                (!latest.TryGetValue(key.Key, out var known) || key.AcceptedUnixMs >= known.AcceptedUnixMs))
            {
                latest[key.Key] = key;
            }
        }
        var kept = latest.Values.OrderBy(k => k.AcceptedUnixMs).ThenBy(k => k.Key, StringComparer.Ordinal).ToList();
        return kept.Count <= CountMax ? kept : kept.GetRange(kept.Count - CountMax, CountMax);
    }
}
