namespace Tally.Storage;

/// <summary>Counters of one open store. Safe to read from any thread.</summary>
public sealed class StorageStats
{
    long _appends;
    long _writes;
    long _flushes;
    long _bytesWritten;
    long _logBytes;
    long _snapshots;
    long _failures;
    long _recoveries;

    /// <summary>Appends acknowledged (written, and fsynced unless durability is off).</summary>
    public long Appends => Volatile.Read(ref _appends);

    /// <summary>Batches written: one write call each.</summary>
    public long Writes => Volatile.Read(ref _writes);

    /// <summary>fsync calls that made appends durable (one per batch; none with <see cref="Durability.None"/>). With
    /// group commit it is below <see cref="Appends"/> under concurrency.</summary>
    public long Flushes => Volatile.Read(ref _flushes);

    /// <summary>Record bytes appended to the log since the store was opened.</summary>
    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    /// <summary>Record bytes in the log since the newest snapshot (what the next snapshot will cover).</summary>
    public long LogBytes => Volatile.Read(ref _logBytes);

    /// <summary>Snapshots written since the store was opened.</summary>
    public long Snapshots => Volatile.Read(ref _snapshots);

    /// <summary>Times a write or fsync failed and the store stopped taking appends.</summary>
    public long Failures => Volatile.Read(ref _failures);

    /// <summary>Times the store took appends again after a failure (<see cref="FileStateStore.TryRecoverAsync"/>).</summary>
    public long Recoveries => Volatile.Read(ref _recoveries);

    internal void Failed() => Interlocked.Increment(ref _failures);

    internal void Recovered() => Interlocked.Increment(ref _recoveries);

    internal void Loaded(long logBytes) => Volatile.Write(ref _logBytes, logBytes);

    internal void Written(int appends, long bytes, bool flushed)
    {
        Interlocked.Add(ref _appends, appends);
        Interlocked.Increment(ref _writes);
        Interlocked.Add(ref _bytesWritten, bytes);
        Interlocked.Add(ref _logBytes, bytes);
        if (flushed)
        {
            Interlocked.Increment(ref _flushes);
        }
    }

    internal void SnapshotWritten(long coveredLogBytes)
    {
        Interlocked.Add(ref _logBytes, -coveredLogBytes);
        Interlocked.Increment(ref _snapshots);
    }
}
