using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tally.Crdt;

public sealed partial class CounterMap
{
    /// <summary>Sources with at least this many rows take <see cref="MergeGrouped"/>; smaller ones (a delta of a
    /// few videos) are joined in their own order. Measured into a 1M-video map (docs/benchmarks.md): grouped took
    /// half the time at 1,024 and 4,096 source rows, and the same (0.1 ms) at 256.</summary>
    internal const int GroupedMergeMin = 256;

    /// <summary>Rows per batch of <see cref="MergeGrouped"/>: two pooled buffers of 8 bytes per row (64 KiB each),
    /// and a batch's source rows and ids (~100 bytes a row) stay in the core's 1 MiB L2 cache while the batch is
    /// applied. Batches of 4K-32K measured alike; 1M (one batch) was 1.5x slower, its source side out of cache.</summary>
    internal const int GroupedBatchRows = 8_192;

    /// <summary>How many pairs ahead <see cref="ApplyBatch"/> asks for rows, links and key slots (keys at half).</summary>
    const int GroupedPrefetchDistance = 16;

    /// <summary>Joins a large source in batches, each in two passes. A source in another order than this map
    /// (a peer's state decoded in id order, say) otherwise visits this map's rows at random, and each video costs
    /// several dependent cache and TLB misses (index entry, key slot, key string, row, change-list link).
    /// <list type="number">
    /// <item>Look up: the batch's ids are hashed in source order and each index entry is read, prefetched well ahead
    /// since nothing else depends on it; the first entry with the same hash gives a candidate slot, keys not
    /// compared. A probe that meets a free position proves the video new: its row is added then.</item>
    /// <item>Apply: the (slot, source row) pairs are sorted by slot (LSD radix) unless they already ascend (a source
    /// in this map's order), then joined in slot order, so this map's rows, links and keys are visited in address
    /// order and the source's, a batch apart at most, are still in cache. Each candidate's key is compared here; a
    /// 32-bit hash collision falls back to a full lookup.</item>
    /// </list>
    /// The result is the same state, count and version as joining in source order (the join is per video), and videos
    /// new here take slots in the source's order; only the change stamps follow the slots within each batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int MergeGrouped(CounterMap other, ReadOnlySpan<int> columns, int batchRows)
    {
        var size = Math.Min(batchRows, other._count);
        var pairs = ArrayPool<ulong>.Shared.Rent(size);
        var scratch = ArrayPool<ulong>.Shared.Rent(size);
        try
        {
            var changed = 0;
            for (var start = 0; start < other._count; start += size)
            {
                var batch = pairs.AsSpan(0, Math.Min(size, other._count - start));
                var ordered = LookUpBatch(other, start, batch)
                    ? batch
                    : SortBySlot(batch, scratch.AsSpan(0, batch.Length), _count - 1);
                changed += ApplyBatch(other, columns, start, ordered);
            }
            return changed;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(scratch);
            ArrayPool<ulong>.Shared.Return(pairs);
        }
    }

    /// <summary>Fills <paramref name="batch"/>[i] with the candidate slot of source row <paramref name="start"/> + i
    /// in the high 32 bits and i in the low 32. Returns true when the slots ascend.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool LookUpBatch(CounterMap other, int start, Span<ulong> batch)
    {
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = (uint)HashOf(other._keys[start + i]);
        }
        var ascending = true;
        var last = None;
        for (var i = 0; i < batch.Length; i++)
        {
            if (i + GroupedPrefetchDistance < batch.Length)
            {
                Prefetch(ref _index[(int)batch[i + GroupedPrefetchDistance] & (_index.Length - 1)]);
            }
            var slot = CandidateSlot(other._keys[start + i], (int)batch[i]);
            batch[i] = (ulong)slot << 32 | (uint)i;
            ascending &= slot > last;
            last = slot;
        }
        return ascending;
    }

    /// <summary>The slot of the first index entry in <paramref name="key"/>'s probe run with the same hash, without
    /// comparing keys; a new row for <paramref name="key"/> if the run has none (then the key is surely absent).</summary>
    int CandidateSlot(string key, int hash)
    {
        var mask = _index.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var entry = _index[i];
            if (entry == 0)
            {
                return AddSlot(key, hash, i);
            }
            if ((int)(entry >> 32) == hash)
            {
                return (int)(uint)entry - 1;
            }
        }
    }

    /// <summary>Sorts (slot, row) pairs by slot, a stable LSD radix sort over the bits of slots up to
    /// <paramref name="slotMax"/>, in passes of at most 12 bits. Returns whichever of the two spans holds the result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Span<ulong> SortBySlot(Span<ulong> pairs, Span<ulong> scratch, int slotMax)
    {
        var bits = Math.Max(1, 32 - BitOperations.LeadingZeroCount((uint)slotMax));
        var passes = (bits + 11) / 12;
        var digitBits = (bits + passes - 1) / passes;
        var digitMask = (1 << digitBits) - 1;
        Span<int> offsets = stackalloc int[1 << digitBits];
        var from = pairs;
        var to = scratch;
        for (var shift = 32; shift < 32 + bits; shift += digitBits)
        {
            offsets.Clear();
            foreach (var pair in from)
            {
                offsets[(int)(pair >> shift) & digitMask]++;
            }
            var sum = 0;
            for (var d = 0; d < offsets.Length; d++)
            {
                (offsets[d], sum) = (sum, sum + offsets[d]);
            }
            foreach (var pair in from)
            {
                to[offsets[(int)(pair >> shift) & digitMask]++] = pair;
            }
            var swap = from;
            from = to;
            to = swap;
        }
        return from;
    }

    /// <summary>Joins the source rows of <paramref name="pairs"/> (from <see cref="LookUpBatch"/>) in their order,
    /// prefetching both sides' rows, links and keys ahead. Returns the number of videos that changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int ApplyBatch(CounterMap other, ReadOnlySpan<int> columns, int start, ReadOnlySpan<ulong> pairs)
    {
        const int Ahead = GroupedPrefetchDistance;
        var changed = 0;
        for (var k = 0; k < pairs.Length; k++)
        {
            if (k + Ahead < pairs.Length)
            {
                PrefetchRows(other, start, pairs[k + Ahead]);
            }
            if (k + Ahead / 2 < pairs.Length)
            {
                PrefetchKeys(other, start, pairs[k + Ahead / 2]);
            }
            var slot = (int)(pairs[k] >> 32);
            var theirs = start + (int)(uint)pairs[k];
            var key = other._keys[theirs];
            if (!string.Equals(_keys[slot], key))
            {
                slot = SlotOf(key);
            }
            changed += JoinSourceRow(slot, other._entries.AsSpan(theirs * other._stride, columns.Length), columns);
        }
        return changed;
    }

    void PrefetchRows(CounterMap other, int start, ulong pair)
    {
        var slot = (int)(pair >> 32);
        var row = slot * _stride;
        Prefetch(ref _entries[row]);
        Prefetch(ref _entries[row + _stride - 1]);
        Prefetch(ref _links[slot]);
        Prefetch(ref _keys[slot]);
        Prefetch(ref other._entries[(start + (int)(uint)pair) * other._stride]);
    }

    /// <summary>The second step: needs the key slot and link that <see cref="PrefetchRows"/> asked for.</summary>
    void PrefetchKeys(CounterMap other, int start, ulong pair)
    {
        var slot = (int)(pair >> 32);
        PrefetchObject(_keys[slot]);
        PrefetchObject(other._keys[start + (int)(uint)pair]);
        var link = _links[slot];
        if (link.Prev != None)
        {
            Prefetch(ref _links[link.Prev]);
        }
        if (link.Next != None)
        {
            Prefetch(ref _links[link.Next]);
        }
    }
}
