using System.Buffers.Binary;
using Tally.Crdt;
using Tally.Crdt.Serialization;
using Tally.Storage.Files;
using Tally.Storage.Format;
using Tally.Storage.Tests.Faults;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

/// <summary>What load does with the directory it finds: leftovers of cut writes, damaged or inconsistent files,
/// cancellation, the log size it reports, and the files it leaves open.</summary>
public class LoadTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static FileStateStore Open(string directory, FaultyFiles files) =>
        new(new StorageOptions { DataDirectory = directory }, new ListLogger<FileStateStore>(), null, files);

    /// <summary>v1 appended, snapshot 2 of it, then v2 appended (segments 1 and 2; snapshot 2 holds one record).</summary>
    static async Task WriteSnapshotAndMoreAsync(string directory)
    {
        var (store, _) = await LoadAsync(directory);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            await store.SnapshotAsync(Delta("v1", 1), Ct);
            await store.AppendAsync(Delta("v2", 2), Ct);
        }
    }

    static readonly CounterMap Both = Merged(Delta("v1", 1), Delta("v2", 2));

    [Fact]
    public async Task LoadAsync_DeletesTemporaryFiles_OfWritesCutBeforeTheirRename()
    {
        using var dir = new TempDirectory();
        await WriteSnapshotAndMoreAsync(dir.Path);
        var temps = new[] { Snapshot(dir.Path, 3) + ".tmp", Path.Combine(dir.Path, "incarnation.tmp") };
        foreach (var temp in temps)
        {
            await File.WriteAllBytesAsync(temp, [1, 2, 3], Ct);
        }
        var (store, loaded) = await LoadAsync(dir.Path);
        await using (store)
        {
            Assert.True(loaded?.SameStateAs(Both), $"got {Describe(loaded)}");
            Assert.DoesNotContain(temps, File.Exists);
        }
    }

    [Fact]
    public async Task LoadAsync_SetsADamagedSnapshotAside_OverAnEarlierDamagedCopy()
    {
        using var dir = new TempDirectory();
        await WriteSnapshotAndMoreAsync(dir.Path);
        var aside = Snapshot(dir.Path, 2) + ".corrupt";
        await File.WriteAllBytesAsync(aside, [9], Ct); // set aside by an earlier start
        RecoveryTests.FlipByte(Snapshot(dir.Path, 2), ^2);
        var damaged = await File.ReadAllBytesAsync(Snapshot(dir.Path, 2), Ct);
        var (store, loaded) = await LoadAsync(dir.Path);
        await using (store)
        {
            Assert.True(loaded?.SameStateAs(Both), $"the whole log gives the state: got {Describe(loaded)}");
            Assert.Equal(damaged, await File.ReadAllBytesAsync(aside, Ct));
            Assert.False(File.Exists(Snapshot(dir.Path, 2)));
        }
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4, 5 })]                     // fewer bytes than a record header
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // a record with a wrong checksum
    public async Task LoadAsync_SetsASnapshotAside_WhenBytesFollowItsRecords(byte[] trailing)
    {
        using var dir = new TempDirectory();
        await WriteSnapshotAndMoreAsync(dir.Path);
        await using (var file = new FileStream(Snapshot(dir.Path, 2), FileMode.Append))
        {
            await file.WriteAsync(trailing, Ct);
        }
        var (store, loaded) = await LoadAsync(dir.Path);
        await using (store)
        {
            Assert.True(loaded?.SameStateAs(Both), $"got {Describe(loaded)}");
            Assert.True(File.Exists(Snapshot(dir.Path, 2) + ".corrupt"), "a snapshot is written whole: bytes after its records are damage");
        }
    }

    [Fact]
    public async Task LoadAsync_SetsASnapshotAside_WhenItHoldsFewerRecordsThanItsHeaderSays()
    {
        using var dir = new TempDirectory();
        await WriteSnapshotAndMoreAsync(dir.Path);
        await using (var file = new FileStream(Snapshot(dir.Path, 2), FileMode.Open))
        {
            await file.WriteAsync(new FileHeader(FileKind.Snapshot, 2, 2).ToBytes(), Ct);
        }
        var (store, loaded) = await LoadAsync(dir.Path);
        await using (store)
        {
            Assert.True(loaded?.SameStateAs(Both), $"got {Describe(loaded)}");
            Assert.True(File.Exists(Snapshot(dir.Path, 2) + ".corrupt"), "a snapshot that lost a record is damaged");
        }
    }

    [Fact]
    public async Task LoadAsync_CountsTheLogBytes_SinceTheSnapshot()
    {
        using var dir = new TempDirectory();
        long since;
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            await store.SnapshotAsync(Delta("v1", 1), Ct);
            var before = store.Stats.BytesWritten;
            await store.AppendAsync(Delta("v2", 2), Ct);
            await store.AppendAsync(Delta("v3", 3), Ct);
            since = store.Stats.BytesWritten - before;
        }
        var logger = new ListLogger<FileStateStore>();
        var (reopened, _) = await LoadAsync(dir.Path, logger);
        await using (reopened)
        {
            Assert.Equal(since, reopened.Stats.LogBytes);
            Assert.Equal(new object?[] { 2L }, logger.Values("Loaded", "Records")); // the records replayed after the snapshot
        }
    }

    [Fact]
    public async Task LoadAsync_Throws_WhenCancelledWhileReadingTheSnapshot()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            await store.SnapshotAsync(Delta("v1", 1), Ct); // the log after it is empty
        }
        await AssertLoadCancelledAsync(dir.Path);
    }

    [Fact]
    public async Task LoadAsync_Throws_WhenCancelledWhileReplayingTheLog()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
        }
        await AssertLoadCancelledAsync(dir.Path);
    }

    static async Task AssertLoadCancelledAsync(string directory)
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var store = Stores.Open(directory);
        await using (store)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.LoadAsync(cancelled.Token));
        }
        var (reopened, loaded) = await LoadAsync(directory);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Delta("v1", 1)), $"a cancelled load changes nothing: got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task LoadAsync_Throws_WhenASegmentBetweenTheSnapshotAndTheLastIsMissing()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.SnapshotsKept = 3);
        await using (store)
        {
            for (ulong i = 1; i <= 3; i++)
            {
                await store.AppendAsync(Delta("v1", i), Ct);
                await store.SnapshotAsync(Delta("v1", i), Ct); // snapshots 2, 3, 4
            }
        }
        File.Delete(Snapshot(dir.Path, 4));
        File.Delete(Snapshot(dir.Path, 3));
        File.Delete(Segment(dir.Path, 3));
        var reopened = Stores.Open(dir.Path);
        await using (reopened)
        {
            var error = await Assert.ThrowsAsync<StorageCorruptException>(async () => await reopened.LoadAsync(Ct));
            Assert.Contains(DataFiles.SegmentName(3), error.Message);
        }
    }

    [Fact]
    public async Task LoadAsync_RewritesTheLastSegment_WhenItHoldsOnlyADamagedHeader()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await store.DisposeAsync();
        await File.WriteAllBytesAsync(Segment(dir.Path, 1), new byte[FileHeader.Size], Ct); // a header-sized hole
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.Null(loaded);
            await reopened.AppendAsync(Delta("v1", 1), Ct);
        }
        var (third, state) = await LoadAsync(dir.Path);
        await using (third)
        {
            Assert.True(state?.SameStateAs(Delta("v1", 1)), $"got {Describe(state)}");
        }
    }

    [Fact]
    public async Task LoadAsync_Throws_WhenASegmentBeforeTheLastWasCutInItsHeader()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.SnapshotAsync(Delta("v1", 1), Ct);
            await store.AppendAsync(Delta("v2", 1), Ct);
        }
        File.Delete(Snapshot(dir.Path, 2));
        await using (var first = new FileStream(Segment(dir.Path, 1), FileMode.Open))
        {
            first.SetLength(10); // later segments follow it, so its records cannot be known to have been none
        }
        var reopened = Stores.Open(dir.Path);
        await using (reopened)
        {
            await Assert.ThrowsAsync<StorageCorruptException>(async () => await reopened.LoadAsync(Ct));
        }
    }

    [Fact]
    public async Task LoadAsync_Throws_ForARecordThatPassesItsChecksumButDoesNotDecode()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
        }
        byte[] payload = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        var frame = new byte[RecordFrame.HeaderSize + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32C.Compute(frame.AsSpan(0, 4), payload));
        payload.CopyTo(frame, RecordFrame.HeaderSize);
        await using (var file = new FileStream(Segment(dir.Path, 1), FileMode.Append))
        {
            await file.WriteAsync(frame, Ct);
        }
        var reopened = Stores.Open(dir.Path);
        await using (reopened)
        {
            // Not a torn write (its checksum holds): damage or another format, never skipped.
            await Assert.ThrowsAsync<StorageCorruptException>(async () => await reopened.LoadAsync(Ct));
        }
    }

    [Fact]
    public async Task LoadAsync_Throws_ForAnEmptyRecordWithAValidChecksum_AtTheEnd()
    {
        // Exactly a record header's worth of bytes: read as a record (whose empty payload does not decode), not
        // dropped as a torn tail shorter than a header.
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
        }
        var frame = new byte[RecordFrame.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32C.Compute(frame.AsSpan(0, 4), []));
        await using (var file = new FileStream(Segment(dir.Path, 1), FileMode.Append))
        {
            await file.WriteAsync(frame, Ct);
        }
        var reopened = Stores.Open(dir.Path);
        await using (reopened)
        {
            await Assert.ThrowsAsync<StorageCorruptException>(async () => await reopened.LoadAsync(Ct));
        }
    }

    [Fact]
    public async Task LoadAsync_IgnoresFiles_ThatOnlyLookLikeSegments()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
        }
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "log-1.tlog"), [1, 2, 3], Ct);
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "log-backup.tlog"), [1, 2, 3], Ct);
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Delta("v1", 1)), $"got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task LoadAsync_LeavesOnlyTheLastSegmentOpen()
    {
        using var dir = new TempDirectory();
        await WriteSnapshotAndMoreAsync(dir.Path);
        File.Delete(Snapshot(dir.Path, 2)); // the log is replayed from segment 1
        var files = new FaultyFiles(OsFiles.Instance);
        var store = Open(dir.Path, files);
        await using (store)
        {
            var loaded = await store.LoadAsync(Ct);
            Assert.True(loaded?.SameStateAs(Both), $"got {Describe(loaded)}");
            Assert.Equal([DataFiles.SegmentName(2)], files.OpenFiles);
        }
        Assert.Empty(files.OpenFiles);
    }

    [Fact]
    public async Task LoadAsync_ClosesTheSegments_WhenItThrows()
    {
        using var dir = new TempDirectory();
        await WriteSnapshotAndMoreAsync(dir.Path);
        File.Delete(Snapshot(dir.Path, 2));
        RecoveryTests.FlipByte(Segment(dir.Path, 1), ^2); // damage before the last segment
        var files = new FaultyFiles(OsFiles.Instance);
        var store = Open(dir.Path, files);
        await using (store)
        {
            await Assert.ThrowsAsync<StorageCorruptException>(async () => await store.LoadAsync(Ct));
            Assert.Empty(files.OpenFiles);
        }
    }
}
