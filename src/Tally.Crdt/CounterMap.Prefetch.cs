using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Tally.Crdt;

public sealed partial class CounterMap
{
    const int PrefetchDistance = 16;

    /// <summary>A hint to load the cache line holding <paramref name="location"/>. The address is taken without
    /// pinning: if the GC moves the array meanwhile, the hint is merely wasted (prefetches never fault).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Prefetch<T>(ref T location)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref location));
        }
    }

    /// <summary>A hint to load the first cache line of <paramref name="value"/> (its header, length and first
    /// characters). The reference is read as an address and never dereferenced: taking a ref to the string's
    /// characters would check it for null by loading from it, a blocking cache miss, which is what the hint is
    /// meant to avoid. A null or moved string makes the hint merely wasted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void PrefetchObject(string? value)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0((void*)Unsafe.As<string?, nint>(ref value));
        }
    }

    /// <summary>Software prefetching for <see cref="MergeRows"/>. Merging a peer's map visits this map's rows in
    /// the peer's order, so each video costs several dependent cache misses (index entry, key slot, key string,
    /// row, change-list neighbours) and the loop mostly waits on memory. This runs ahead of the merge in stages:
    /// twice <see cref="PrefetchDistance"/> rows ahead it prefetches the source's key string; <see cref="PrefetchDistance"/>
    /// rows ahead it hashes the key and prefetches the index entry; half as
    /// far ahead it reads that entry and prefetches the row, its key slot and its change-list link; a quarter ahead
    /// it prefetches the key string and the neighbours' links. Every step is a hint: the merge itself looks
    /// everything up again, so a wrong guess (a hash collision, a new video) costs time, never correctness.</summary>
    struct MergePrefetcher(CounterMap target, CounterMap source)
    {
        const int Mask = PrefetchDistance - 1;
        Ring _hashes;
        Ring _slots;

        /// <summary>Returns the hash of <paramref name="row"/>'s key (computed ahead of time, or now for the first
        /// rows) and issues the prefetches for the rows ahead.</summary>
        public int Advance(int row)
        {
            var hash = row < PrefetchDistance ? HashOf(source._keys[row]) : _hashes[row & Mask];
            Stage0(row + 2 * PrefetchDistance);
            Stage1(row + PrefetchDistance);
            Stage2(row + PrefetchDistance / 2);
            Stage3(row + PrefetchDistance / 4);
            return hash;
        }

        /// <summary>Fills the pipeline before the first row: the later stages of the first rows need the earlier
        /// stages done.</summary>
        public void Start()
        {
            for (var row = 0; row < 2 * PrefetchDistance; row++)
            {
                Stage0(row);
            }
            for (var row = 0; row < PrefetchDistance; row++)
            {
                Stage1(row);
            }
            for (var row = 0; row < PrefetchDistance / 2; row++)
            {
                Stage2(row);
            }
            for (var row = 0; row < PrefetchDistance / 4; row++)
            {
                Stage3(row);
            }
        }

        readonly void Stage0(int row)
        {
            if (row < source._count)
            {
                PrefetchObject(source._keys[row]);
            }
        }

        void Stage1(int row)
        {
            if (row < source._count)
            {
                var hash = HashOf(source._keys[row]);
                _hashes[row & Mask] = hash;
                Prefetch(ref target._index[hash & (target._index.Length - 1)]);
            }
        }

        void Stage2(int row)
        {
            var slot = None;
            if (row < source._count)
            {
                var hash = _hashes[row & Mask];
                var entry = target._index[hash & (target._index.Length - 1)];
                if (entry != 0 && (int)(entry >> 32) == hash)
                {
                    slot = (int)(uint)entry - 1;
                    Prefetch(ref target._keys[slot]);
                    Prefetch(ref target._links[slot]);
                    var row0 = slot * target._stride;
                    Prefetch(ref target._entries[row0]);
                    Prefetch(ref target._entries[row0 + target._stride - 1]);
                }
            }
            _slots[row & Mask] = slot;
        }

        readonly void Stage3(int row)
        {
            if (row < source._count && _slots[row & Mask] is var slot && slot != None)
            {
                PrefetchObject(target._keys[slot]);
                var link = target._links[slot];
                if (link.Prev != None)
                {
                    Prefetch(ref target._links[link.Prev]);
                }
                if (link.Next != None)
                {
                    Prefetch(ref target._links[link.Next]);
                }
            }
        }

        [InlineArray(PrefetchDistance)]
        struct Ring
        {
            int _element;
        }
    }
}
