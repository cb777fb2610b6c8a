using Tally.Crdt;
using Tally.Replication;
using Tally.Storage.Format;

namespace Tally.Storage;

public sealed partial class FileStateStore
{
    /// <summary>The entries the last snapshot took from the log because the state it was given lacked them (appends
    /// acknowledged but not yet applied by the host). The next snapshot carries them on. Guarded by the gate.</summary>
    CounterMap _carried = new();

    /// <summary>Writes a snapshot of <paramref name="state"/> and drops the log it covers (keeping what
    /// <see cref="StorageOptions.SnapshotsKept"/> needs for a fallback). One snapshot runs at a time.</summary>
    /// <remarks>
    /// <para><paramref name="state"/> is copied before this method first yields, so the caller may change it once the
    /// call returns its task (a host can call it under its lock and await outside). Successive calls must pass states
    /// that only grow, as a replica's state does.</para>
    /// <para>Steps: roll the log to a new segment S (in order with the appends, through the writer); merge into the
    /// state every record of the segments it replaces; write <c>snapshot-S</c> to a temporary file, fsync, rename,
    /// fsync the directory; delete what no kept snapshot needs. Because the replaced records are merged in, a delta
    /// appended before the call but not yet in <paramref name="state"/> is never lost.</para>
    /// </remarks>
    /// <exception cref="StorageCorruptException">A covered log segment cannot be read whole.</exception>
    public ValueTask SnapshotAsync(CounterMap state, CancellationToken ct) => SnapshotAsync(state, KeyRetention.None, ct);

    /// <summary>As <see cref="SnapshotAsync(CounterMap, CancellationToken)"/>, and the snapshot keeps the request keys
    /// that <paramref name="keys"/> retains out of those of the previous snapshot and of the log it replaces.</summary>
    public ValueTask SnapshotAsync(CounterMap state, KeyRetention keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        RequireOpen();
        return SnapshotOfAsync(state.Clone(), keys, ct);
    }

    /// <summary>As <see cref="SnapshotAsync(CounterMap, KeyRetention, CancellationToken)"/>, without the copy:
    /// <paramref name="state"/> becomes the store's (it merges the log's entries into it), and the caller never reads
    /// or changes it again. Saves a copy of the whole map at every snapshot (about 65 bytes per video with 2 replicas,
    /// docs/benchmarks.md).</summary>
    public ValueTask SnapshotOwnedAsync(CounterMap state, KeyRetention keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        RequireOpen();
        return SnapshotOfAsync(state, keys, ct);
    }

    async ValueTask SnapshotOfAsync(CounterMap snapshot, KeyRetention keys, CancellationToken ct)
    {
        await _snapshotGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            RequireOpen();
            var roll = new RollCommand();
            await EnqueueAsync(roll, ct).ConfigureAwait(false);
            var (sequence, coveredLogBytes) = await roll.Done.Task.ConfigureAwait(false);
            var logKeys = new List<IdempotencyRecord>();
            var fromLog = ReadCoveredLog(_baseSequence, sequence, logKeys, ct);
            fromLog.Merge(_carried);
            var carried = Beyond(fromLog, snapshot);
            snapshot.Merge(carried);
            var kept = keys.Apply(_snapshotKeys.Concat(logKeys));
            var record = RecordFrame.Encode(snapshot, kept);
            ct.ThrowIfCancellationRequested();
            var name = DataFiles.SnapshotName(sequence);
            DurableFile.WriteAtomically(_files, DataDirectory, name, [new FileHeader(FileKind.Snapshot, sequence, 1).ToBytes(), record]);
            (_baseSequence, _carried, _snapshotKeys) = (sequence, carried, kept);
            Stats.SnapshotWritten(coveredLogBytes);
            var dropped = DropUnneeded();
            LogSnapshotWritten(name, snapshot.Count, FileHeader.Size + record.Length, carried.Count, dropped);
        }
        finally
        {
            _snapshotGate.Release();
        }
    }

    /// <summary>The entries of <paramref name="source"/> above those of <paramref name="state"/>.</summary>
    static CounterMap Beyond(CounterMap source, CounterMap state)
    {
        var beyond = new CounterMap();
        foreach (var video in source.Videos)
        {
            foreach (var (replica, value) in source.Get(video).Entries)
            {
                if (value > state.EntryOf(video, replica))
                {
                    beyond.Join(video, replica, value);
                }
            }
        }
        return beyond;
    }

    /// <summary>Every record of segments [<paramref name="from"/>, <paramref name="to"/>), merged. These segments
    /// are complete and fsynced (the roll did that), so any damage here is an error, not a torn tail.</summary>
    CounterMap ReadCoveredLog(long from, long to, List<IdempotencyRecord> keys, CancellationToken ct)
    {
        CounterMap? merged = null;
        for (var sequence = from; sequence < to; sequence++)
        {
            var path = Path.Combine(DataDirectory, DataFiles.SegmentName(sequence));
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            _ = ReadHeader(file, FileKind.Segment, path, sequence, out var reason)
                ?? throw new StorageCorruptException($"Log segment '{path}': {reason}.");
            using var reader = new RecordReader(file, FileHeader.Size, RandomAccess.GetLength(file));
            while (reader.TryRead(out var payload))
            {
                ct.ThrowIfCancellationRequested();
                Apply(ref merged, keys, payload, path, reader.Position);
            }
            if (reader.Stop is { } stop)
            {
                throw new StorageCorruptException($"Log segment '{path}' is damaged at byte {reader.Position}: {stop}.");
            }
        }
        return merged ?? new CounterMap();
    }

    /// <summary>Deletes snapshots beyond the newest <see cref="StorageOptions.SnapshotsKept"/> and the segments
    /// before the oldest kept one. While fewer snapshots exist, the log is kept from its start, so even the first
    /// snapshot has a fallback. Returns the number of segments deleted.</summary>
    int DropUnneeded()
    {
        var snapshots = DataFiles.Snapshots(DataDirectory);
        var excess = snapshots.Count - _options.SnapshotsKept;
        if (excess < 0)
        {
            return 0;
        }
        for (var i = 0; i < excess; i++)
        {
            TryDelete(snapshots.Values[i]);
        }
        var keepFrom = snapshots.Keys[excess];
        var dropped = 0;
        foreach (var (sequence, path) in DataFiles.Segments(DataDirectory))
        {
            if (sequence < keepFrom && TryDelete(path))
            {
                dropped++;
            }
        }
        return dropped;
    }

    bool TryDelete(string path)
    {
        try
        {
            _files.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(e, path); // harmless: a later snapshot tries again, and load ignores covered files
            return false;
        }
    }
}
