using Tally.Crdt;

namespace Tally.Replication;

/// <summary>The replica's video ids in ordinal order, for paging (<see cref="Replica.Page"/>): the map's slot numbers
/// (4 bytes per video; the ids themselves are the map's strings), kept as a large sorted run and a small sorted run
/// of recent videos. Owned by the <see cref="Replica"/>; it reads the map it was made for and catches up by slot
/// (<see cref="CounterMap.VideoAt"/>: videos only ever append) when a page is asked for, so views and merges never
/// touch it.</summary>
/// <remarks>
/// <para>A page catches up, then walks both runs from a binary search: O(log n + limit). Catching up sorts only the
/// new slots and merges them into the small run; once that run passes an eighth of the large one, both merge into
/// one array (O(n), so amortized O(1) per video). A map loaded from a snapshot comes in id order, which is checked in
/// one pass and taken as it is.</para>
/// <para>It replaced an immutable sorted set's builder (an AVL tree of about 56 bytes per video, built at start:
/// a third of a node's heap and most of its restart time at 10M videos, docs/benchmarks.md).</para>
/// </remarks>
sealed class VideoIndex(CounterMap state)
{
    const int RecentMin = 4096;

    int[] _sorted = [];
    int[] _recent = [];
    int _recentCount;
    int _indexed;

    public int Count => state.Count;

    /// <summary>Up to <paramref name="limit"/> ids after <paramref name="after"/> (from the start when null), and
    /// whether more follow.</summary>
    public (List<string> Ids, bool More) Page(string? after, int limit)
    {
        CatchUp();
        var recent = _recent.AsSpan(0, _recentCount);
        var i = after is null ? 0 : FirstAfter(_sorted, after);
        var j = after is null ? 0 : FirstAfter(recent, after);
        var ids = new List<string>(Math.Min(limit, _sorted.Length - i + recent.Length - j));
        while (ids.Count < limit && (i < _sorted.Length || j < recent.Length))
        {
            var fromSorted = j == recent.Length || i < _sorted.Length && string.CompareOrdinal(Key(_sorted[i]), Key(recent[j])) < 0;
            ids.Add(Key(fromSorted ? _sorted[i++] : recent[j++]));
        }
        return (ids, i < _sorted.Length || j < recent.Length);
    }

    /// <summary>Takes in the slots added to the map since the last call.</summary>
    void CatchUp()
    {
        var count = state.Count;
        if (count == _indexed)
        {
            return;
        }
        var added = new int[count - _indexed];
        for (var k = 0; k < added.Length; k++)
        {
            added[k] = _indexed + k;
        }
        _indexed = count;
        if (!IsSorted(added))
        {
            Array.Sort(added, Compare);
        }
        if (_sorted.Length == 0 && _recentCount == 0)
        {
            _sorted = added; // the first catch-up: a loaded map, usually in id order already
            return;
        }
        var recent = Merge(_recent.AsSpan(0, _recentCount), added);
        if (recent.Length > Math.Max(RecentMin, _sorted.Length / 8))
        {
            _sorted = Merge(_sorted, recent);
            (_recent, _recentCount) = ([], 0);
        }
        else
        {
            (_recent, _recentCount) = (recent, recent.Length);
        }
    }

    bool IsSorted(ReadOnlySpan<int> slots)
    {
        for (var k = 1; k < slots.Length; k++)
        {
            if (Compare(slots[k - 1], slots[k]) > 0)
            {
                return false;
            }
        }
        return true;
    }

    int[] Merge(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var merged = new int[a.Length + b.Length];
        var (i, j, k) = (0, 0, 0);
        while (i < a.Length && j < b.Length)
        {
            merged[k++] = Compare(a[i], b[j]) <= 0 ? a[i++] : b[j++];
        }
        a[i..].CopyTo(merged.AsSpan(k));
        b[j..].CopyTo(merged.AsSpan(k + a.Length - i));
        return merged;
    }

    /// <summary>Index of the first slot whose id is ordinally greater than <paramref name="after"/>.</summary>
    int FirstAfter(ReadOnlySpan<int> run, string after)
    {
        var (lo, hi) = (0, run.Length);
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (string.CompareOrdinal(Key(run[mid]), after) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    int Compare(int a, int b) => string.CompareOrdinal(Key(a), Key(b));

    string Key(int slot) => state.VideoAt(slot).Value;
}
