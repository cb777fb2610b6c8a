using System.Collections.Immutable;
using Tally.Crdt;

namespace Tally.Replication;

/// <summary>The replica's video ids in ordinal order, for paging (<see cref="Replica.Page"/>) in O(log n) per item.
/// An AVL tree (an immutable sorted set's builder, mutated in place) gives ordered inserts and access by index.
/// Owned by the <see cref="Replica"/>: kept up to date after every applied own batch and every merge.</summary>
sealed class VideoIndex
{
    readonly ImmutableSortedSet<string>.Builder _ids = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);

    public int Count => _ids.Count;

    /// <summary>Adds the videos of <paramref name="changed"/> that are new, if <paramref name="state"/> has more
    /// videos than the index (a merge or own batch can only add videos that it carries).</summary>
    public void AddNew(CounterMap state, CounterMap? changed)
    {
        if (changed is null || state.Count == _ids.Count)
        {
            return;
        }
        foreach (var video in changed.Videos)
        {
            _ids.Add(video.Value);
        }
    }

    public void AddAll(CounterMap state)
    {
        _ids.UnionWith(state.Videos.Select(v => v.Value));
    }

    /// <summary>Up to <paramref name="limit"/> ids after <paramref name="after"/> (from the start when null), and
    /// whether more follow.</summary>
    public (List<string> Ids, bool More) Page(string? after, int limit)
    {
        var start = after is null ? 0 : FirstAfter(after);
        var end = (int)Math.Min((long)start + limit, _ids.Count);
        var ids = new List<string>(Math.Max(0, end - start));
        for (var i = start; i < end; i++)
        {
            ids.Add(_ids[i]);
        }
        return (ids, end < _ids.Count);
    }

    /// <summary>Index of the first id ordinally greater than <paramref name="after"/>: a binary search over the
    /// tree's O(log n) indexer.</summary>
    int FirstAfter(string after)
    {
        var (lo, hi) = (0, _ids.Count);
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (string.CompareOrdinal(_ids[mid], after) <= 0)
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
}
