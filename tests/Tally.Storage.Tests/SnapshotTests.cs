using Microsoft.Extensions.Logging;
using Tally.Crdt;
using Tally.Replication;
using Tally.Storage.Files;
using Tally.Storage.Format;
using Tally.Storage.Tests.Faults;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

/// <summary>Snapshots: refused outside the store's life, stopped by cancellation or a damaged covered log without
/// writing anything, never reported written when they are not, and cleaning up what they cover.</summary>
public class SnapshotTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    static FileStateStore Open(string directory, FaultyFiles files, ListLogger<FileStateStore>? logger = null, Action<StorageOptions>? configure = null)
    {
        var options = new StorageOptions { DataDirectory = directory };
        configure?.Invoke(options);
        return new FileStateStore(options, logger ?? new ListLogger<FileStateStore>(), null, files);
    }

    /// <summary>Checks that <paramref name="call"/> throws before it returns a task.</summary>
    static void ThrowsAtTheCall<T>(Func<ValueTask> call) where T : Exception
    {
        try
        {
            _ = call().AsTask();
        }
        catch (T)
        {
            return;
        }
        Assert.Fail($"the call returned a task instead of throwing {typeof(T).Name}");
    }

    [Fact]
    public async Task SnapshotCalls_ThrowAtTheCall_OutsideTheLifecycle()
    {
        // Usage errors come from the call itself, before any task exists (the node calls these under its lock).
        using var dir = new TempDirectory();
        var store = Stores.Open(dir.Path);
        ThrowsAtTheCall<InvalidOperationException>(() => store.SnapshotAsync(new CounterMap(), KeyRetention.None, Ct));
        ThrowsAtTheCall<InvalidOperationException>(() => store.SnapshotOwnedAsync(new CounterMap(), KeyRetention.None, Ct));
        await store.LoadAsync(Ct);
        ThrowsAtTheCall<ArgumentNullException>(() => store.SnapshotOwnedAsync(null!, KeyRetention.None, Ct));
        await store.DisposeAsync();
        ThrowsAtTheCall<ObjectDisposedException>(() => store.SnapshotAsync(new CounterMap(), KeyRetention.None, Ct));
        ThrowsAtTheCall<ObjectDisposedException>(() => store.SnapshotOwnedAsync(new CounterMap(), KeyRetention.None, Ct));
    }

    [Fact]
    public async Task SnapshotAsync_ThrowsObjectDisposed_WhenTheStoreWasDisposedWhileItWaitedForTheRunningOne()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        Task running, waiting, disposing;
        using (var gate = new WriterGate(store))
        {
            running = store.SnapshotAsync(Delta("v1", 1), Ct).AsTask(); // holds the snapshot gate; its roll waits
            waiting = store.SnapshotAsync(Delta("v1", 2), Ct).AsTask(); // waits for the gate
            disposing = store.DisposeAsync().AsTask();                  // waits for the gate after it
            gate.Open();
            await running.WaitAsync(Bound, Ct);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Bound, Ct));
            await disposing.WaitAsync(Bound, Ct);
        }
        Assert.False(File.Exists(Snapshot(dir.Path, 3)), "no snapshot is written once the store is disposed");
    }

    [Fact]
    public async Task SnapshotAsync_WritesNoSnapshot_WhenCancelledAfterTheRoll()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            using var cancel = new CancellationTokenSource();
            store.BeforeBatchAsync = () => cancel.CancelAsync(); // cancelled once its roll is queued
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.SnapshotAsync(Delta("v1", 1), cancel.Token));
            store.BeforeBatchAsync = null;
            Assert.False(File.Exists(Snapshot(dir.Path, 2)), "a cancelled snapshot writes nothing");
            await store.AppendAsync(Delta("v2", 1), Ct);
            await store.SnapshotAsync(Merged(Delta("v1", 1), Delta("v2", 1)), Ct);
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Merged(Delta("v1", 1), Delta("v2", 1))), $"got {Describe(loaded)}");
        }
    }

    /// <summary>A store whose segment 1 holds v1 then a record damaged in its payload (written behind its back).</summary>
    static async Task<FileStateStore> StoreWithDamagedSecondRecordAsync(string directory)
    {
        var (store, _) = await LoadAsync(directory);
        await store.AppendAsync(Delta("v1", 1), Ct);
        await store.AppendAsync(Delta("v2", 1), Ct);
        var second = FileHeader.Size + RecordFrame.Encode(Delta("v1", 1)).Length;
        RandomAccess.Write(store.SegmentForTests!, new byte[] { 0xEE }, second + RecordFrame.HeaderSize + 1);
        return store;
    }

    [Fact]
    public async Task SnapshotAsync_Throws_WhenASegmentItCoversIsDamaged()
    {
        using var dir = new TempDirectory();
        var store = await StoreWithDamagedSecondRecordAsync(dir.Path);
        await using (store)
        {
            await Assert.ThrowsAsync<StorageCorruptException>(async () => await store.SnapshotAsync(Delta("v1", 1), Ct));
            Assert.False(File.Exists(Snapshot(dir.Path, 2)), "a snapshot that would lose the records after the damage is not written");
        }
    }

    [Fact]
    public async Task SnapshotAsync_StopsReadingTheCoveredLog_WhenCancelled()
    {
        using var dir = new TempDirectory();
        var store = await StoreWithDamagedSecondRecordAsync(dir.Path);
        await using (store)
        {
            using var cancel = new CancellationTokenSource();
            store.BeforeBatchAsync = () => cancel.CancelAsync();
            // Cancelled before the first record: it never reads as far as the damaged second one.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.SnapshotAsync(Delta("v1", 1), cancel.Token));
        }
    }

    [Fact]
    public async Task SnapshotAsync_Throws_AndKeepsTheLog_WhenTheSnapshotFileCannotBeWritten()
    {
        using var dir = new TempDirectory();
        var files = new FaultyFiles(OsFiles.Instance);
        var store = Open(dir.Path, files, configure: o => o.SnapshotsKept = 1);
        await using (store)
        {
            await store.LoadAsync(Ct);
            await store.AppendAsync(Delta("v1", 1), Ct);
            files.Before = call => call.Path.EndsWith(".tmp", StringComparison.Ordinal) && call.Op is FileOp.FlushToDisk or FileOp.Delete
                ? $"Input/output error ({call.Op})"
                : null;
            var error = await Assert.ThrowsAsync<IOException>(async () => await store.SnapshotAsync(Delta("v1", 1), Ct));
            Assert.True(error.Message == "Input/output error (FlushToDisk)", $"the write's error is reported, not the clean-up's: {error.Message}");
            Assert.False(File.Exists(Snapshot(dir.Path, 2)), "no snapshot");
            Assert.True(File.Exists(Segment(dir.Path, 1)), "the log it would have covered stays");

            files.Before = call => call.Path.EndsWith(".tmp", StringComparison.Ordinal) && call.Op == FileOp.FlushToDisk ? "No space left on device" : null;
            await Assert.ThrowsAsync<IOException>(async () => await store.SnapshotAsync(Delta("v1", 1), Ct));
            Assert.False(File.Exists(Snapshot(dir.Path, 3) + ".tmp"), "a failed snapshot deletes its temporary file (a full disk must not stay full of it)");
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Delta("v1", 1)), $"got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task SnapshotAsync_ClosesTheNewSegment_WhenItCannotBeCreated()
    {
        using var dir = new TempDirectory();
        var files = new FaultyFiles(OsFiles.Instance);
        var store = Open(dir.Path, files);
        await using (store)
        {
            await store.LoadAsync(Ct);
            files.Before = call => call.Op == FileOp.Write && call.Path.EndsWith(DataFiles.SegmentName(2), StringComparison.Ordinal) ? "No space left on device" : null;
            await Assert.ThrowsAsync<IOException>(async () => await store.SnapshotAsync(Delta("v1", 1), Ct));
            Assert.Equal([DataFiles.SegmentName(1)], files.OpenFiles);
        }
        Assert.Empty(files.OpenFiles);
    }

    [Fact]
    public async Task SnapshotAsync_ClosesTheSegmentItRolledAway()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            var first = store.SegmentForTests!;
            await store.SnapshotAsync(Delta("v1", 1), Ct);
            Assert.True(first.IsClosed, "the roll closes the segment it leaves");
            Assert.False(store.SegmentForTests!.IsClosed);
        }
    }

    [Fact]
    public async Task SnapshotAsync_ReportsTheSegmentsItDeleted_AndDeletesAgainWhatItCouldNot()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger<FileStateStore>();
        var files = new FaultyFiles(OsFiles.Instance);
        var store = Open(dir.Path, files, logger, o => o.SnapshotsKept = 1);
        await using (store)
        {
            await store.LoadAsync(Ct);
            await store.AppendAsync(Delta("v1", 1), Ct);
            var refused = 1;
            files.Before = call => call.Op == FileOp.Delete && call.Path.EndsWith(DataFiles.SegmentName(1), StringComparison.Ordinal) &&
                Interlocked.Exchange(ref refused, 0) == 1 ? "Permission denied" : null;
            await store.SnapshotAsync(Delta("v1", 1), Ct); // snapshot 2: deleting segment 1 fails, harmlessly
            Assert.True(File.Exists(Segment(dir.Path, 1)), "the segment that could not be deleted is still there");
            Assert.Contains(logger.At(LogLevel.Warning), m => m.Contains("Could not delete", StringComparison.Ordinal));
            await store.AppendAsync(Delta("v2", 1), Ct);
            await store.SnapshotAsync(Merged(Delta("v1", 1), Delta("v2", 1)), Ct); // snapshot 3: deletes segments 1 and 2
            Assert.Equal(new object?[] { 0, 2 }, logger.Values("Wrote", "Segments"));
            Assert.Equal([Segment(dir.Path, 3)], Directory.EnumerateFiles(dir.Path, "log-*"));
        }
    }

    [Fact]
    public async Task SnapshotAsync_ReportsOnlyTheEntriesItTookFromTheLog_AboveTheGivenState()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger<FileStateStore>();
        var (store, _) = await LoadAsync(dir.Path, logger);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 4), Ct);
            await store.AppendAsync(Delta("v2", 6), Ct);
            await store.SnapshotAsync(Delta("v1", 4), Ct); // has v1 (equal: nothing to take), lacks v2
            Assert.Equal(new object?[] { 1 }, logger.Values("Wrote", "Carried"));
        }
    }

    [Fact]
    public async Task SnapshotDue_IsTrueAtExactlyTheLimit_AndFalseWhileASnapshotRuns()
    {
        using var dir = new TempDirectory();
        var frame = RecordFrame.Encode(Delta("v1", 1)).Length;
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.SnapshotLogBytesMax = frame);
        await using (store)
        {
            Assert.False(store.SnapshotDue);
            await store.AppendAsync(Delta("v1", 1), Ct);
            Assert.True(store.SnapshotDue, $"{store.Stats.LogBytes} log bytes reach the limit of {frame}");
            using (var gate = new WriterGate(store))
            {
                var snapshot = store.SnapshotAsync(Delta("v1", 1), Ct).AsTask();
                Assert.False(store.SnapshotDue, "a snapshot is being written");
                gate.Open();
                await snapshot.WaitAsync(Bound, Ct);
            }
            Assert.False(store.SnapshotDue);
        }
    }
}
