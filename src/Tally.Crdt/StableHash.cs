namespace Tally.Crdt;

/// <summary>Hashes that are the same in every process and on every machine (unlike <see cref="string.GetHashCode()"/>),
/// for digests that two replicas compare. Not cryptographic: digests find differences between honest replicas.</summary>
public static class StableHash
{
    /// <summary>FNV-1a over the UTF-16 code units, then <see cref="Mix"/>.</summary>
    public static ulong Of(string value)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return Mix(hash);
    }

    /// <summary>The SplitMix64 finalizer (Steele, Lea, Flood 2014): every input bit affects every output bit.</summary>
    public static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9UL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}
