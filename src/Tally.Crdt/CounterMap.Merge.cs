using System.Buffers;
using System.Runtime.CompilerServices;

namespace Tally.Crdt;

public sealed partial class CounterMap
{
    /// <summary>Joins <paramref name="other"/> (a whole state or a delta) into this map: per video, per replica, the
    /// max. Returns the number of videos that changed. Allocation-free when nothing changes.</summary>
    /// <remarks>Total: it takes any entries and never throws or refuses a row. A max of two <see cref="ulong"/>s is
    /// a <see cref="ulong"/>, and sums are <see cref="UInt128"/>s, so no combination of entries can overflow; a merge
    /// that could fail would leave two replicas apart forever.</remarks>
    public int Merge(CounterMap other) => MergeWith(other, GroupedMergeMin, GroupedBatchRows);

    /// <summary><see cref="Merge(CounterMap)"/> with the path chosen by the caller (tests): a source of fewer than
    /// <paramref name="groupedMin"/> rows is joined in its own order, a larger one in batches of
    /// <paramref name="batchRows"/> rows grouped by target slot (<see cref="MergeGrouped"/>). Both give the same
    /// state and count; only the order of the change stamps within the merge differs.</summary>
    internal int MergeWith(CounterMap other, int groupedMin, int batchRows)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchRows);
        if (ReferenceEquals(this, other) || other._count == 0)
        {
            return 0;
        }
        var width = other._replicas.Count;
        var columns = ArrayPool<int>.Shared.Rent(width);
        try
        {
            MapColumns(other, columns);
            return other._count < groupedMin
                ? MergeRows(other, columns.AsSpan(0, width))
                : MergeGrouped(other, columns.AsSpan(0, width), batchRows);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(columns);
        }
    }

    void MapColumns(CounterMap other, int[] columns)
    {
        var missing = false;
        for (var c = 0; c < other._replicas.Count; c++)
        {
            if (_replicaColumns.TryGetValue(other._replicas[c].Value, out var mine))
            {
                columns[c] = mine;
            }
            else
            {
                missing = true;
            }
        }
        if (missing)
        {
            AddReplicas(other._replicas).CopyTo(columns, 0);
        }
    }

    /// <remarks>One long loop per call, so it is compiled optimized at once rather than through tier 0 and
    /// on-stack replacement.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int MergeRows(CounterMap other, ReadOnlySpan<int> columns)
    {
        var changed = 0;
        var prefetcher = new MergePrefetcher(this, other);
        prefetcher.Start();
        for (var theirs = 0; theirs < other._count; theirs++)
        {
            var hash = prefetcher.Advance(theirs);
            var source = other._entries.AsSpan(theirs * other._stride, columns.Length);
            var slot = SlotOf(other._keys[theirs], hash);
            changed += JoinSourceRow(slot, source, columns);
        }
        return changed;
    }

    /// <summary>Joins one source row (<paramref name="source"/>, its entries by source column) into row
    /// <paramref name="slot"/>: per entry the max, and one change stamp if anything rose. Returns 1 if the row
    /// changed, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int JoinSourceRow(int slot, ReadOnlySpan<ulong> source, ReadOnlySpan<int> columns)
    {
        var row = Row(slot);
        var raised = 0;
        var raisedColumn = None;
        for (var c = 0; c < source.Length; c++)
        {
            var grows = source[c] > row[columns[c]];
            raised += grows ? 1 : 0;
            raisedColumn = grows ? columns[c] : raisedColumn;
        }
        if (raised == 0)
        {
            return 0;
        }
        for (var c = 0; c < source.Length; c++)
        {
            ref var mine = ref row[columns[c]];
            mine = Math.Max(mine, source[c]);
        }
        Touch(slot, raised == 1 ? raisedColumn : None);
        return 1;
    }

    /// <summary>Appends rows of <paramref name="source"/> in the given slot order, stamping each in turn. Only the
    /// replicas with an entry in those rows become columns here, so a delta or slice of a few videos costs in proportion
    /// to its entries, not to every replica the source has ever seen.</summary>
    /// <param name="since">With a mark, a row whose only change after it raised one entry contributes that entry alone
    /// (a delta of changed entries); null copies whole rows.</param>
    void CopyRowsFrom(CounterMap source, IEnumerable<int> slots, long? since = null)
    {
        var rows = slots as IReadOnlyList<int> ?? [.. slots];
        var width = source._replicas.Count;
        Span<bool> seen = width <= 512 ? stackalloc bool[width] : new bool[width];
        var used = new List<int>(Math.Min(width, 256));
        foreach (var theirs in rows)
        {
            if (since is { } mark && source.OnlyColumnSince(theirs, mark) is var only && only != None)
            {
                if (!seen[only])
                {
                    seen[only] = true;
                    used.Add(only);
                }
                continue;
            }
            var from = source._entries.AsSpan(theirs * source._stride, width);
            for (var c = 0; c < from.Length; c++)
            {
                if (from[c] != 0 && !seen[c])
                {
                    seen[c] = true;
                    used.Add(c);
                }
            }
        }
        var columns = AddReplicas(used.ConvertAll(c => source._replicas[c]));
        var mine = since is null ? null : new int[width];
        for (var i = 0; mine is not null && i < used.Count; i++)
        {
            mine[used[i]] = columns[i];
        }
        foreach (var theirs in rows)
        {
            var slot = SlotOf(source._keys[theirs]);
            var row = Row(slot);
            var from = source._entries.AsSpan(theirs * source._stride, width);
            if (since is { } mark && source.OnlyColumnSince(theirs, mark) is var only && only != None)
            {
                row[mine![only]] = Math.Max(row[mine[only]], from[only]);
                Touch(slot, mine[only]);
                continue;
            }
            for (var i = 0; i < used.Count; i++)
            {
                row[columns[i]] = Math.Max(row[columns[i]], from[used[i]]);
            }
            Touch(slot, None);
        }
    }

    /// <summary>The only entry of <paramref name="slot"/> raised after <paramref name="mark"/>, or <see cref="None"/>
    /// when that may be several (its change before the last is after the mark, or the last raised several).</summary>
    int OnlyColumnSince(int slot, long mark)
    {
        ref var link = ref _links[slot];
        return link.LastColumn != None && link.Stamp - link.PrevGap <= mark ? link.LastColumn : None;
    }
}
