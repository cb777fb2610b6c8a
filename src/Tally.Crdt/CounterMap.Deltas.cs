namespace Tally.Crdt;

public sealed partial class CounterMap
{
    /// <summary>A map holding one entry: the delta of an <see cref="Increment"/> or <see cref="RaiseTo"/> that left
    /// <paramref name="replica"/>'s entry for <paramref name="video"/> at <paramref name="entry"/>.</summary>
    public static CounterMap Single(VideoId video, ReplicaId replica, ulong entry)
    {
        var delta = new CounterMap(1);
        delta.Increment(video, replica, entry);
        return delta;
    }

    /// <summary>Number of videos changed after <paramref name="mark"/> (a past <see cref="Version"/>).</summary>
    public int CountChangedSince(long mark)
    {
        var n = 0;
        for (var slot = _tail; slot != None && _links[slot].Stamp > mark; slot = _links[slot].Prev)
        {
            n++;
        }
        return n;
    }

    /// <summary>The delta since <paramref name="mark"/>: every video changed after it, with the entries that changed
    /// after it (a row whose only change since the mark raised one entry carries that entry; any other carries all its
    /// current entries: a join-decomposition superset of what changed, so it is idempotent and can be applied in any
    /// order). Cost is
    /// proportional to the number of changed videos. Returns false, and no delta, when more than
    /// <paramref name="maxVideos"/> changed: the caller should repair with digests instead.</summary>
    public bool TryGetDeltaSince(long mark, int maxVideos, out CounterMap delta) => TryGetDeltaSince(mark, maxVideos, mark, out delta);

    /// <summary><see cref="TryGetDeltaSince(long, int, out CounterMap)"/> for a receiver known to hold this map's whole
    /// state only as of <paramref name="entriesSince"/> (at most <paramref name="mark"/>): a row contributes a single
    /// entry only when its change before the last is no later than that.</summary>
    /// <remarks>A mark reached through oldest-first parts says "every video whose last change is up to here was sent",
    /// not "every change up to here was sent": a video changed within the part's range and again before the part was
    /// taken was left for a later part, so its earlier change is known to the receiver only through the whole row.</remarks>
    public bool TryGetDeltaSince(long mark, int maxVideos, long entriesSince, out CounterMap delta)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entriesSince, mark);
        var changed = 0;
        var first = None;
        for (var slot = _tail; slot != None && _links[slot].Stamp > mark; slot = _links[slot].Prev)
        {
            if (++changed > maxVideos)
            {
                delta = null!;
                return false;
            }
            first = slot;
        }
        delta = new CounterMap(changed);
        if (first != None)
        {
            delta.CopyRowsFrom(this, FromSlot(first), entriesSince);
        }
        return true;
    }

    /// <summary>The oldest changes since <paramref name="mark"/>: the first <paramref name="maxVideos"/> videos changed
    /// after it, in the order of their last change, with the entries changed after it (as <see cref="TryGetDeltaSince(long, int, long, out CounterMap)"/>). <paramref name="upTo"/> is the
    /// version the delta stands for: every video whose last change is in (<paramref name="mark"/>, upTo] is in it, so a
    /// receiver that held everything up to the mark holds everything up to upTo after merging it. Returns true when
    /// nothing changed after upTo (then upTo is <see cref="Version"/>).</summary>
    /// <remarks>Oldest first is what lets a peer that falls behind during a bulk load catch up in order: the next
    /// delta starts where this one ends, and a video changed again later moves to the newest end, so it is sent once
    /// more only with its newer entries.</remarks>
    /// <param name="entriesSince">A version (at most <paramref name="mark"/>) as of which the receiver is known to hold this
    /// map's whole state, as for <see cref="TryGetDeltaSince(long, int, long, out CounterMap)"/>: a part's own upTo is not
    /// one.</param>
    public bool TryGetOldestChangesSince(long mark, int maxVideos, long entriesSince, out CounterMap delta, out long upTo)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVideos, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entriesSince, mark);
        var first = None;
        for (var slot = _tail; slot != None && _links[slot].Stamp > mark; slot = _links[slot].Prev)
        {
            first = slot;
        }
        var slots = new List<int>();
        upTo = Math.Min(mark, Version);
        var next = first;
        while (next != None && slots.Count < maxVideos)
        {
            slots.Add(next);
            upTo = _links[next].Stamp;
            next = _links[next].Next;
        }
        if (next == None)
        {
            upTo = Version;
        }
        delta = new CounterMap(slots.Count);
        delta.CopyRowsFrom(this, slots, entriesSince);
        return next == None;
    }

    IEnumerable<int> FromSlot(int first)
    {
        for (var slot = first; slot != None; slot = _links[slot].Next)
        {
            yield return slot;
        }
    }
}
