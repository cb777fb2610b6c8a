namespace Tally.Replication;

/// <summary>A view request remembered by its <c>Idempotency-Key</c>, stored in the same durable record as the views it
/// counted, so that a retry after a restart gets the first answer and counts nothing.</summary>
/// <param name="Key">The client's key: 1-255 visible ASCII characters.</param>
/// <param name="Fingerprint">A 128-bit hash of the request (route, videos, amounts): a retry must match it.</param>
/// <param name="AcceptedUnixMs">When the node took the request (Unix milliseconds, wall clock): the window runs from here.</param>
/// <param name="Totals">The node's own entry after the request for each video it named, in the request's order: the
/// <c>total</c> of the first answer.</param>
public sealed record RequestKey(string Key, UInt128 Fingerprint, long AcceptedUnixMs, IReadOnlyList<ulong> Totals)
{
    public const int KeyLengthMax = 255;

    /// <summary>1 to <see cref="KeyLengthMax"/> visible ASCII characters ('!' to '~').</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and <= KeyLengthMax && !key.AsSpan().ContainsAnyExceptInRange('!', '~');
}

/// <summary>Which remembered requests a snapshot keeps: those accepted at or after <paramref name="NotBeforeUnixMs"/>,
/// at most the newest <paramref name="CountMax"/>. Keys outside it are forgotten (a retry of one counts again).</summary>
public readonly record struct KeyRetention(long NotBeforeUnixMs, int CountMax)
{
    /// <summary>Keeps no key (for stores of hosts that do not use idempotency keys).</summary>
    public static KeyRetention None => new(long.MaxValue, 0);

    public IReadOnlyList<RequestKey> Apply(IEnumerable<RequestKey> keys)
    {
        if (CountMax <= 0)
        {
            return [];
        }
        // The newest record of a key wins; then the newest CountMax keys inside the window, oldest first.
        var latest = new Dictionary<string, RequestKey>(StringComparer.Ordinal);
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
