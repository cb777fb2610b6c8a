using Tally.Crdt;
using Tally.Storage.Files;
using Tally.Storage.Tests.PowerLoss;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests.Faults;

/// <summary>A write or fsync that fails: the failed append never counts (not now, not after a restart, not after a
/// power cut), and <see cref="FileStateStore.TryRecoverAsync"/> takes appends again only once the disk works.</summary>
public class WriteFailureTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    static FileStateStore Open(string directory, IStorageFiles files, Action<StorageOptions>? configure = null)
    {
        var options = new StorageOptions { DataDirectory = directory };
        configure?.Invoke(options);
        return new FileStateStore(options, new ListLogger<FileStateStore>(), null, files);
    }

    /// <summary>Fails the next fsync of a log segment once, after it ran (as an fsync that reports an error).</summary>
    static void FailNextSegmentFsyncAfterItRan(FaultyFiles files)
    {
        var armed = 1;
        files.After = call => call.Op == FileOp.FlushToDisk && call.Path.EndsWith(".tlog", StringComparison.Ordinal) &&
            Interlocked.Exchange(ref armed, 0) == 1 ? "Input/output error (fsync)" : null;
    }

    [Fact]
    public async Task TryRecoverAsync_Throws_BeforeLoad()
    {
        using var dir = new TempDirectory();
        await using var store = Stores.Open(dir.Path);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.TryRecoverAsync(Ct));
    }

    [Fact]
    public async Task TryRecoverAsync_ReturnsTrueWithoutTouchingTheDisk_WhenNothingFailed()
    {
        using var dir = new TempDirectory();
        var files = new FaultyFiles(OsFiles.Instance);
        var store = Open(dir.Path, files);
        await using (store)
        {
            await store.LoadAsync(Ct);
            var writes = files.Count(FileOp.Write);
            Assert.True(await store.TryRecoverAsync(Ct), "a store that never failed takes appends");
            Assert.True(files.Count(FileOp.Write) == writes && store.Stats.Recoveries == 0,
                $"nothing to recover: {files.Count(FileOp.Write) - writes} writes, {store.Stats.Recoveries} recoveries");
        }
    }

    [Fact]
    public async Task AppendAsync_NeverReplays_AnAppendWhoseFsyncFailed()
    {
        using var dir = new TempDirectory();
        var files = new FaultyFiles(OsFiles.Instance);
        var store = Open(dir.Path, files);
        await using (store)
        {
            await store.LoadAsync(Ct);
            await store.AppendAsync(Delta("v1", 1), Ct);
            FailNextSegmentFsyncAfterItRan(files);
            await Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync(Delta("v2", 1), Ct));
        }
        // The failed record was written whole; only cutting it off keeps a restart from counting it.
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Delta("v1", 1)), $"an append that failed must never load: got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task TryRecoverAsync_ReturnsFalse_UntilTheDiskHasRoomForItsProbe()
    {
        // A disk with delayed allocation (ext4, xfs): writes land in the cache and the fsync fails when the blocks
        // they need are not free. Here a file may hold `capacity` bytes on disk.
        using var dir = new TempDirectory();
        var capacity = long.MaxValue;
        var files = new FaultyFiles(OsFiles.Instance)
        {
            Before = call => call is { Op: FileOp.FlushToDisk, Handle: { } handle } && RandomAccess.GetLength(handle) > Volatile.Read(ref capacity)
                ? $"No space left on device: {RandomAccess.GetLength(handle)} bytes do not fit"
                : null,
        };
        var store = Open(dir.Path, files);
        await using (store)
        {
            await store.LoadAsync(Ct);
            await store.AppendAsync(Delta("v1", 1), Ct);
            var end = new FileInfo(Segment(dir.Path, 1)).Length;
            Volatile.Write(ref capacity, end);
            await Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync(Delta("v2", 1), Ct));

            Assert.False(await store.TryRecoverAsync(Ct), "the probe does not fit on the disk yet");
            Assert.Contains($"{end + FileStateStore.RecoveryProbeBytes} bytes do not fit", store.Unavailable);
            Assert.Equal(end, new FileInfo(Segment(dir.Path, 1)).Length);

            Volatile.Write(ref capacity, long.MaxValue);
            Assert.True(await store.TryRecoverAsync(Ct), $"the disk has room again: {store.Unavailable}");
            Assert.Null(store.Unavailable);
            await store.AppendAsync(Delta("v3", 1), Ct);
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Merged(Delta("v1", 1), Delta("v3", 1))), $"exactly the acknowledged appends load: got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task TryRecoverAsync_RecoversOnce_WhenTwoRecoveriesWereQueued()
    {
        using var dir = new TempDirectory();
        var files = new FaultyFiles(OsFiles.Instance);
        var store = Open(dir.Path, files);
        await using (store)
        {
            await store.LoadAsync(Ct);
            FailNextSegmentFsyncAfterItRan(files);
            await Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync(Delta("v1", 1), Ct));
            using (var gate = new WriterGate(store))
            {
                var first = store.TryRecoverAsync(Ct).AsTask();
                var second = store.TryRecoverAsync(Ct).AsTask();
                gate.Open();
                Assert.True(await first.WaitAsync(Bound, Ct), "the first recovery works");
                Assert.True(await second.WaitAsync(Bound, Ct), "the second finds the store recovered");
            }
            await store.AppendAsync(Delta("v2", 1), Ct); // runs after both recoveries, in the writer's order
            Assert.Equal(1, store.Stats.Recoveries);
        }
    }

    [Fact]
    public async Task TryRecoverAsync_DeletesTheSegmentOfAHalfDoneRoll_Durably()
    {
        using var dir = new TempDirectory();
        var power = new PowerLossFiles();
        var files = new FaultyFiles(power);
        var store = Open(dir.Path, files);
        try
        {
            await store.LoadAsync(Ct);
            await store.AppendAsync(Delta("v1", 1), Ct);
            // The roll creates segment 2 and fsyncs the directory, which reports an error after it ran.
            var armed = 1;
            files.After = call => call.Op == FileOp.FlushDirectory && Interlocked.Exchange(ref armed, 0) == 1 ? "Input/output error (directory fsync)" : null;
            await Assert.ThrowsAsync<IOException>(async () => await store.SnapshotAsync(Delta("v1", 1), Ct));
            Assert.True(File.Exists(Segment(dir.Path, 2)), "the failed roll left segment 2 behind");

            Assert.True(await store.TryRecoverAsync(Ct), store.Unavailable);
            Assert.False(File.Exists(Segment(dir.Path, 2)), "recovery deletes the segment the failed roll left");
            await store.AppendAsync(Delta("v2", 1), Ct);
        }
        finally
        {
            power.Crash();
            await store.DisposeAsync();
        }
        power.RestoreDisk();
        Assert.False(File.Exists(Segment(dir.Path, 2)), "the deletion is durable: a power cut does not bring segment 2 back");
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Merged(Delta("v1", 1), Delta("v2", 1))), $"got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task TryRecoverAsync_CutsTheFailedAppendDurably_BeforeItsProbe()
    {
        // The failed fsync reached the disk, and the store's own cut of the failed append failed too; then the
        // power fails while recovery writes its probe.
        using var dir = new TempDirectory();
        var power = new PowerLossFiles();
        var files = new FaultyFiles(power);
        var store = Open(dir.Path, files);
        try
        {
            await store.LoadAsync(Ct);
            await store.AppendAsync(Delta("v1", 1), Ct);
            var broken = true;
            files.Before = call => call.Op == FileOp.SetLength && Volatile.Read(ref broken) ? "Input/output error (truncate)" : null;
            FailNextSegmentFsyncAfterItRan(files);
            await Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync(Delta("v2", 1), Ct));

            files.Before = call =>
            {
                if (call.Op == FileOp.Write && call.Bytes == FileStateStore.RecoveryProbeBytes)
                {
                    power.Crash();
                }
                return null;
            };
            Assert.False(await store.TryRecoverAsync(Ct), "the power failed during the probe");
        }
        finally
        {
            power.Crash();
            await store.DisposeAsync();
        }
        power.RestoreDisk();
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Delta("v1", 1)), $"the failed append must not come back after the power cut: got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task TryRecoverAsync_LeavesNoProbeBytesOnDisk_WhenThePowerFailsRightAfterIt()
    {
        using var dir = new TempDirectory();
        var power = new PowerLossFiles();
        var files = new FaultyFiles(power);
        var store = Open(dir.Path, files);
        long end;
        try
        {
            await store.LoadAsync(Ct);
            await store.AppendAsync(Delta("v1", 1), Ct);
            end = new FileInfo(Segment(dir.Path, 1)).Length;
            FailNextSegmentFsyncAfterItRan(files);
            await Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync(Delta("v2", 1), Ct));
            Assert.True(await store.TryRecoverAsync(Ct), store.Unavailable);
        }
        finally
        {
            power.Crash();
            await store.DisposeAsync();
        }
        power.RestoreDisk();
        Assert.True(new FileInfo(Segment(dir.Path, 1)).Length == end,
            $"the log on disk must end at its last acknowledged record ({end} bytes), not hold the probe: {new FileInfo(Segment(dir.Path, 1)).Length} bytes");
    }

    [Fact]
    public async Task AppendAsync_Fails_WhenItWaitedForRoomAndItsWriteFails()
    {
        using var dir = new TempDirectory();
        var files = new FaultyFiles(OsFiles.Instance);
        var store = Open(dir.Path, files, o => o.QueueCapacity = 1);
        await using (store)
        {
            await store.LoadAsync(Ct);
            files.Before = call => call.Op == FileOp.Write ? "Input/output error (write)" : null;
            using var gate = new WriterGate(store);
            var queued = store.AppendAsync(Delta("v1", 1), Ct).AsTask();
            var waiting = store.AppendAsync(Delta("v2", 1), Ct).AsTask(); // the queue is full: it waits for room
            gate.Open();
            await Assert.ThrowsAsync<IOException>(() => queued.WaitAsync(Bound, Ct));
            await Assert.ThrowsAsync<IOException>(() => waiting.WaitAsync(Bound, Ct));
        }
    }
}
