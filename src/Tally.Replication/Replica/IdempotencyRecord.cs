namespace Tally.Replication;

/// <summary>A counted view request remembered by its idempotency key. <see cref="Replica"/> puts the records of the
/// requests an own append counts into that <see cref="Append"/> (<see cref="Append.Keys"/>), so a host that stores
/// them in the same record as the views has them durable exactly when the views are, and hands them back to the next
/// <see cref="Replica"/> (its <c>keys</c> argument) after a restart.</summary>
/// <param name="Key">The client's key: 1-255 visible ASCII characters.</param>
/// <param name="Fingerprint">128-bit hash of the request (kind, videos, amounts, <see cref="Fingerprints"/>): a
/// retry must match it.</param>
/// <param name="AcceptedUnixMs">When the replica took the request (Unix ms, from its TimeProvider): the window runs
/// from here.</param>
/// <param name="Totals">This replica's entry after the request, per item in the request's order: the first answer's
/// totals. (Its counts are not kept: a retry after a restart answers the count as it is then, which is no lower.)</param>
public sealed record IdempotencyRecord(string Key, UInt128 Fingerprint, long AcceptedUnixMs, IReadOnlyList<ulong> Totals)
{
    public const int KeyLengthMax = 255;

    /// <summary>1 to <see cref="KeyLengthMax"/> visible ASCII characters ('!' to '~').</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and <= KeyLengthMax && !key.AsSpan().ContainsAnyExceptInRange('!', '~');
}
