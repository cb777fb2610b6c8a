namespace Tally.Node;

/// <summary>When the node should hand memory the GC holds but does not use back to the operating system. The GC keeps
/// what a bulk load or a snapshot freed (old map arrays after a doubling, the snapshot's copy, decoded deltas)
/// committed for reuse, which on a node with millions of videos is about as much again as the map. The rule says yes
/// when that idle memory is at least <see cref="IdleBytesMin"/> and an eighth of the live heap, has grown by
/// <see cref="IdleBytesMin"/> since the last return left it (a return that could not give memory back is not
/// repeated for nothing), and the last return is at least <paramref name="spacing"/> ago, so a compacting collection
/// (a pause of about 0.1 s per 100 MB of live heap) costs the node at most a bounded share of its time.</summary>
/// <param name="time">The clock of <paramref name="spacing"/>.</param>
/// <param name="spacing">Least time between two returns.</param>
public sealed class MemoryReturnRule(TimeProvider time, TimeSpan spacing)
{
    /// <summary>Idle bytes below which nothing is returned (32 MiB): small heaps are left to the GC.</summary>
    public const long IdleBytesMin = 32L << 20;

    long? _lastTimestamp;
    long? _decidedTimestamp;
    long _idleAfterLast;

    /// <summary>True when memory should be returned now (the caller then compacts and reports
    /// <see cref="Returned"/>).</summary>
    /// <param name="committedBytes">Bytes the GC has committed.</param>
    /// <param name="liveBytes">Bytes of live objects after the last collection (heap size less fragmentation).</param>
    public bool ShouldReturn(long committedBytes, long liveBytes)
    {
        var idle = committedBytes - liveBytes;
        if (idle < IdleBytesMin || idle < liveBytes / 8 || idle < _idleAfterLast + IdleBytesMin)
        {
            return false;
        }
        if (_lastTimestamp is { } last && time.GetElapsedTime(last) < spacing)
        {
            return false;
        }
        // The spacing counts from this decision, not from the end of the collection it starts: a periodic check at the
        // spacing's own period would otherwise find the last return a pause short of it and skip every other tick.
        _decidedTimestamp = time.GetTimestamp();
        return true;
    }

    /// <summary>Records a return and the GC's state after it; the spacing to the next return counts from the
    /// <see cref="ShouldReturn"/> that decided this one.</summary>
    /// <param name="committedBytes">Bytes the GC has committed after the return.</param>
    /// <param name="liveBytes">Bytes of live objects after the return.</param>
    public void Returned(long committedBytes, long liveBytes)
    {
        _lastTimestamp = _decidedTimestamp ?? time.GetTimestamp();
        _decidedTimestamp = null;
        _idleAfterLast = Math.Max(0, committedBytes - liveBytes);
    }
}
