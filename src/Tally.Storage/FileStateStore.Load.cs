using Microsoft.Win32.SafeHandles;
using Tally.Crdt;
using Tally.Crdt.Serialization;
using Tally.Replication;
using Tally.Storage.Format;

namespace Tally.Storage;

public sealed partial class FileStateStore
{
    /// <summary>The sequence of the snapshot the state was loaded from or last written (1 when there is none): the
    /// next snapshot folds in the log from this segment on. Changed only under the snapshot gate once open.</summary>
    long _baseSequence;

    /// <summary>The request keys of the snapshot at <see cref="_baseSequence"/> (what its retention kept); the next
    /// snapshot keeps them together with the keys of the log it covers. Changed only under the snapshot gate.</summary>
    IReadOnlyList<IdempotencyRecord> _snapshotKeys = [];

    /// <inheritdoc/>
    public IReadOnlyList<IdempotencyRecord> LoadedKeys { get; private set; } = [];

    /// <summary>Recovers the directory and returns its state: the newest readable snapshot merged with every record
    /// of the log after it. Null when the directory holds no state (a new node, or a lost disk).</summary>
    /// <remarks>A torn or damaged tail of the last log segment (a write cut by a crash) is cut off after the last
    /// complete record, with a warning naming the bytes dropped: such records were never acknowledged. A damaged
    /// snapshot falls back to an older one (<see cref="StorageOptions.SnapshotsKept"/>) and is renamed
    /// <c>*.corrupt</c>. Anything else that would lose acknowledged records throws.</remarks>
    /// <exception cref="StorageCorruptException">The state on disk cannot be recovered whole.</exception>
    public ValueTask<CounterMap?> LoadAsync(CancellationToken ct)
    {
        if (Interlocked.CompareExchange(ref _phase, Loading, New) != New)
        {
            throw Volatile.Read(ref _phase) == Disposed
                ? new ObjectDisposedException(nameof(FileStateStore))
                : new InvalidOperationException("LoadAsync runs once, before any other call.");
        }
        foreach (var temp in Directory.EnumerateFiles(DataDirectory, "*" + DataFiles.TempSuffix))
        {
            File.Delete(temp); // a snapshot or incarnation cut short before its rename
        }
        var segments = DataFiles.Segments(DataDirectory);
        var snapshots = DataFiles.Snapshots(DataDirectory);
        var (state, snapshotKeys, baseSequence, corrupt) = ReadNewestSnapshot(snapshots, segments, ct);
        var logKeys = new List<IdempotencyRecord>();
        var (records, logBytes) = Replay(segments, baseSequence, ref state, logKeys, ct);
        foreach (var path in corrupt)
        {
            File.Move(path, path + DataFiles.CorruptSuffix, overwrite: true);
        }
        _baseSequence = baseSequence;
        _snapshotKeys = snapshotKeys;
        LoadedKeys = [.. snapshotKeys, .. logKeys];
        Stats.Loaded(logBytes);
        LogLoaded(state?.Count ?? 0, snapshots.Count - corrupt.Count > 0 ? DataFiles.SnapshotName(baseSequence) : "no snapshot",
            records, _segmentSequence - baseSequence + 1);
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        Volatile.Write(ref _phase, Open);
        return ValueTask.FromResult(state);
    }

    (CounterMap? State, List<IdempotencyRecord> Keys, long Base, List<string> Corrupt) ReadNewestSnapshot(
        SortedList<long, string> snapshots, SortedList<long, string> segments, CancellationToken ct)
    {
        var corrupt = new List<string>();
        for (var i = snapshots.Count - 1; i >= 0; i--)
        {
            try
            {
                var keys = new List<IdempotencyRecord>();
                return (ReadSnapshot(snapshots.Values[i], snapshots.Keys[i], keys, ct), keys, snapshots.Keys[i], corrupt);
            }
            catch (StorageCorruptException e)
            {
                LogSnapshotCorrupt(snapshots.Values[i], e.Message);
                corrupt.Add(snapshots.Values[i]);
            }
        }
        // No readable snapshot: only a log that reaches back to its first segment holds the whole state.
        if (segments.Count > 0 && segments.Keys[0] != 1 || segments.Count == 0 && corrupt.Count > 0)
        {
            throw new StorageCorruptException(corrupt.Count > 0
                ? $"No snapshot in '{DataDirectory}' can be read ({corrupt.Count} damaged) and the log does not reach back to its start, so acknowledged state would be lost."
                : $"The log in '{DataDirectory}' starts at segment {segments.Keys[0]}, but no snapshot covers the segments before it.");
        }
        return (null, [], 1, corrupt);
    }

    static CounterMap ReadSnapshot(string path, long sequence, List<IdempotencyRecord> keys, CancellationToken ct)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var header = ReadHeader(file, FileKind.Snapshot, path, sequence, out var reason)
            ?? throw new StorageCorruptException($"Snapshot '{path}': {reason}.");
        CounterMap? map = null;
        var records = 0u;
        using var reader = new RecordReader(file, FileHeader.Size, RandomAccess.GetLength(file));
        while (reader.TryRead(out var payload))
        {
            ct.ThrowIfCancellationRequested();
            Apply(ref map, keys, payload, path, reader.Position);
            records++;
        }
        if (reader.Stop is { } stop)
        {
            throw new StorageCorruptException($"Snapshot '{path}' is damaged at byte {reader.Position}: {stop}.");
        }
        return records == header.Records
            ? map ?? new CounterMap()
            : throw new StorageCorruptException($"Snapshot '{path}' holds {records} records; its header says {header.Records}.");
    }

    /// <summary>Merges every record of the segments from <paramref name="baseSequence"/> on into
    /// <paramref name="state"/>, cuts a torn tail off the last one and opens it for appending.</summary>
    (long Records, long LogBytes) Replay(SortedList<long, string> segments, long baseSequence, ref CounterMap? state,
        List<IdempotencyRecord> keys, CancellationToken ct)
    {
        var replayed = segments.Where(s => s.Key >= baseSequence).ToList();
        if (baseSequence > 1 && (replayed.Count == 0 || replayed[0].Key != baseSequence))
        {
            // The roll creates segment S before snapshot S exists, so its absence means records are lost.
            throw new StorageCorruptException(
                $"Log segment '{DataFiles.SegmentName(baseSequence)}', which follows snapshot '{DataFiles.SnapshotName(baseSequence)}', is missing from '{DataDirectory}'.");
        }
        for (var i = 0; i < replayed.Count; i++)
        {
            if (replayed[i].Key != baseSequence + i)
            {
                throw new StorageCorruptException(
                    $"Log segment '{DataFiles.SegmentName(baseSequence + i)}' is missing from '{DataDirectory}' (the log runs on to segment {replayed[^1].Key}).");
            }
        }
        long records = 0;
        long bytes = 0;
        for (var i = 0; i < replayed.Count; i++)
        {
            var (sequence, path) = (replayed[i].Key, replayed[i].Value);
            var last = i == replayed.Count - 1;
            var file = File.OpenHandle(path, FileMode.Open, last ? FileAccess.ReadWrite : FileAccess.Read, FileShare.Read);
            try
            {
                var end = ReplaySegment(file, sequence, path, last, ref state, keys, ref records, ct);
                bytes += end - FileHeader.Size;
                if (last)
                {
                    (_segment, _segmentSequence, _segmentEnd) = (file, sequence, end);
                }
                else
                {
                    file.Dispose();
                }
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
        if (_segment is null)
        {
            var header = new FileHeader(FileKind.Segment, baseSequence, 0).ToBytes();
            _segment = DurableFile.Create(DataDirectory, DataFiles.SegmentName(baseSequence), header);
            (_segmentSequence, _segmentEnd) = (baseSequence, FileHeader.Size);
        }
        return (records, bytes);
    }

    /// <summary>Replays one segment and returns the end of its last good record.</summary>
    long ReplaySegment(SafeFileHandle file, long sequence, string path, bool last, ref CounterMap? state,
        List<IdempotencyRecord> keys, ref long records, CancellationToken ct)
    {
        var length = RandomAccess.GetLength(file);
        if (ReadHeader(file, FileKind.Segment, path, sequence, out var reason) is null)
        {
            // A segment is created, with its header fsynced, before anything is appended to it: a last segment no
            // longer than a header held no record, so a crash while creating it loses nothing.
            if (!last || length > FileHeader.Size)
            {
                throw new StorageCorruptException($"Log segment '{path}': {reason}.");
            }
            LogHeaderRewritten(path, reason);
            RandomAccess.SetLength(file, 0);
            RandomAccess.Write(file, new FileHeader(FileKind.Segment, sequence, 0).ToBytes(), 0);
            RandomAccess.FlushToDisk(file);
            return FileHeader.Size;
        }
        using var reader = new RecordReader(file, FileHeader.Size, length);
        while (reader.TryRead(out var payload))
        {
            ct.ThrowIfCancellationRequested();
            Apply(ref state, keys, payload, path, reader.Position);
            records++;
        }
        if (reader.Stop is { } stop)
        {
            if (!last)
            {
                throw new StorageCorruptException(
                    $"Log segment '{path}' is damaged at byte {reader.Position} ({stop}) and later segments follow it, so the records after the damage cannot be recovered.");
            }
            RandomAccess.SetLength(file, reader.Position);
            RandomAccess.FlushToDisk(file);
            LogTornTail(path, length - reader.Position, reader.Position, stop);
        }
        return reader.Position;
    }

    /// <summary>The header of <paramref name="path"/>, checked against its kind and the sequence in its name; null
    /// with a reason when it is not valid.</summary>
    static FileHeader? ReadHeader(SafeFileHandle file, FileKind kind, string path, long sequence, out string reason)
    {
        Span<byte> bytes = stackalloc byte[FileHeader.Size];
        var n = 0;
        while (n < bytes.Length && RandomAccess.Read(file, bytes[n..], n) is var read and > 0)
        {
            n += read;
        }
        var header = FileHeader.Parse(bytes[..n], kind, out reason);
        if (header is { } h && h.Sequence != sequence)
        {
            reason = $"its header names sequence {h.Sequence}, its file name {sequence} ({Path.GetFileName(path)})";
            return null;
        }
        return header;
    }

    /// <summary>Our own files, checksummed: only the record size bounds what a decode may allocate.</summary>
    static readonly DecodeLimits FileLimits = new() { MaxReplicas = 1 << 20, MaxVideos = int.MaxValue };

    /// <summary>Decodes one record, merges its map into <paramref name="map"/> (or makes it the map when there is none
    /// yet) and adds its request keys to <paramref name="keys"/>. A record that passed its checksum but does not
    /// decode was not torn: it is damage or another format, and is never skipped.</summary>
    static void Apply(ref CounterMap? map, List<IdempotencyRecord> keys, ReadOnlyMemory<byte> payload, string path, long end)
    {
        try
        {
            if (KeyedPayload.IsKeyed(payload.Span))
            {
                (var recordKeys, payload) = KeyedPayload.Read(payload);
                keys.AddRange(recordKeys);
            }
            var decoded = CrdtBinary.DecodeMap(payload.Span, FileLimits);
            if (map is null)
            {
                map = decoded;
            }
            else
            {
                map.Merge(decoded);
            }
        }
        catch (Exception e) when (e is CrdtFormatException or OverflowException)
        {
            throw new StorageCorruptException($"'{path}': the record ending at byte {end} passed its checksum but cannot be applied: {e.Message}", e);
        }
    }
}
