using System.Numerics;

namespace Tally.Crdt;

public sealed partial class CounterMap
{
    /// <summary>Video id to slot: open addressing with linear probing over a power-of-two table, at most 3/4 full.
    /// An entry is 0 when free, else the key's hash in the high 32 bits and slot + 1 in the low 32, so a probe
    /// rejects other keys without touching their strings, and a lookup costs one cache miss where
    /// <see cref="Dictionary{TKey, TValue}"/> costs two (bucket, then entry). It also takes 16-17 bytes per video
    /// instead of about 28.</summary>
    /// <remarks>The hash is <see cref="string.GetHashCode()"/>, randomized per process, so clients cannot choose
    /// ids that collide. It never leaves the process.</remarks>
    ulong[] _index;

    static ulong[] NewIndex(int videos) =>
        new ulong[Math.Max(4, (int)BitOperations.RoundUpToPowerOf2((uint)(videos + videos / 3 + 1)))];

    static int HashOf(string key) => key.GetHashCode();

    /// <summary>The slot of <paramref name="key"/>, or <see cref="None"/>.</summary>
    int FindSlot(string key)
    {
        var found = Probe(key, HashOf(key));
        return found >= 0 ? found : None;
    }

    /// <summary>The slot of <paramref name="key"/> if present, else the bitwise complement of the free table
    /// position where it would go.</summary>
    int Probe(string key, int hash)
    {
        var mask = _index.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var entry = _index[i];
            if (entry == 0)
            {
                return ~i;
            }
            if ((int)(entry >> 32) == hash && string.Equals(_keys[(int)(uint)entry - 1], key))
            {
                return (int)(uint)entry - 1;
            }
        }
    }

    /// <summary>Records <paramref name="slot"/> (whose key is already in <c>_keys</c>) at free position
    /// <paramref name="position"/> of the table, growing the table first if it would pass 3/4 full.</summary>
    void AddToIndex(int slot, int hash, int position)
    {
        if ((_count + 1) * 4L > _index.Length * 3L)
        {
            RebuildIndex(_index.Length * 2);
            position = ~Probe(_keys[slot], hash);
        }
        _index[position] = (ulong)(uint)hash << 32 | (uint)(slot + 1);
    }

    /// <summary>Moves every entry into a table of <paramref name="size"/> positions, reusing the stored hashes.</summary>
    void RebuildIndex(int size)
    {
        var old = _index;
        _index = new ulong[size];
        var mask = size - 1;
        foreach (var entry in old)
        {
            if (entry != 0)
            {
                var i = (int)(entry >> 32) & mask;
                while (_index[i] != 0)
                {
                    i = (i + 1) & mask;
                }
                _index[i] = entry;
            }
        }
    }

    /// <summary>Removes <paramref name="slot"/> from the table, shifting later entries of its probe run back so
    /// that every remaining key is still reachable from its home position.</summary>
    void RemoveFromIndex(int slot)
    {
        var mask = _index.Length - 1;
        var hole = HashOf(_keys[slot]) & mask;
        while ((int)(uint)_index[hole] - 1 != slot)
        {
            hole = (hole + 1) & mask;
        }
        for (var i = (hole + 1) & mask; _index[i] != 0; i = (i + 1) & mask)
        {
            var home = (int)(_index[i] >> 32) & mask;
            // The entry at i may fill the hole only if the hole lies on its probe path, from home up to i.
            if (((i - home) & mask) >= ((i - hole) & mask))
            {
                _index[hole] = _index[i];
                hole = i;
            }
        }
        _index[hole] = 0;
    }
}
