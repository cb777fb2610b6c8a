using Microsoft.Extensions.Logging;
using Tally.Crdt;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

/// <summary>Damaged snapshots and logs: fall back where that loses nothing acknowledged, fail loudly otherwise.</summary>
public class RecoveryTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoadAsync_FallsBackToOlderSnapshot_WhenNewestIsDamaged()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            await store.SnapshotAsync(Delta("v1", 1), Ct);   // snapshot 2
            await store.AppendAsync(Delta("v2", 2), Ct);
            await store.SnapshotAsync(Merged(Delta("v1", 1), Delta("v2", 2)), Ct); // snapshot 3
            await store.AppendAsync(Delta("v3", 3), Ct);
        }
        FlipByte(Snapshot(dir.Path, 3), ^3);
        var logger = new ListLogger<FileStateStore>();
        var (reopened, loaded) = await LoadAsync(dir.Path, logger);
        await using (reopened)
        {
            var expected = Merged(Delta("v1", 1), Delta("v2", 2), Delta("v3", 3));
            Assert.True(loaded?.SameStateAs(expected), $"the older snapshot plus its log must give every append: got {Describe(loaded)}");
            Assert.Contains(logger.At(LogLevel.Error), m => m.Contains("snapshot-0000000000000003", StringComparison.Ordinal));
            Assert.True(File.Exists(Snapshot(dir.Path, 3) + ".corrupt"), "the damaged snapshot is set aside for inspection");
        }
    }

    [Fact]
    public async Task LoadAsync_FallsBackToWholeLog_WhenOnlySnapshotIsDamaged()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            await store.SnapshotAsync(Delta("v1", 1), Ct);
            await store.AppendAsync(Delta("v2", 2), Ct);
        }
        FlipByte(Snapshot(dir.Path, 2), 5); // the header
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Merged(Delta("v1", 1), Delta("v2", 2))), $"the log from its start must give every append: got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task LoadAsync_Throws_WhenSnapshotIsDamagedAndNothingOlderIsKept()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.SnapshotsKept = 1);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            await store.SnapshotAsync(Delta("v1", 1), Ct);
        }
        FlipByte(Snapshot(dir.Path, 2), ^1);
        var reopened = Open(dir.Path, configure: o => o.SnapshotsKept = 1);
        await using (reopened)
        {
            var error = await Assert.ThrowsAsync<StorageCorruptException>(async () => await reopened.LoadAsync(Ct));
            Assert.Contains("No snapshot", error.Message);
        }
        Assert.True(File.Exists(Snapshot(dir.Path, 2)), "a failed load must leave the files as they were");
    }

    [Fact]
    public async Task LoadAsync_Throws_WhenASegmentBeforeTheLastIsDamaged()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            await store.AppendAsync(Delta("v2", 2), Ct);
            await store.SnapshotAsync(new CounterMap(), Ct);
            await store.AppendAsync(Delta("v3", 3), Ct);
        }
        FlipByte(Snapshot(dir.Path, 2), ^1);   // forces replay of the whole log
        FlipByte(Segment(dir.Path, 1), 30);    // inside the first record of segment 1
        var reopened = Open(dir.Path);
        await using (reopened)
        {
            var error = await Assert.ThrowsAsync<StorageCorruptException>(async () => await reopened.LoadAsync(Ct));
            Assert.Contains("later segments follow it", error.Message);
        }
    }

    [Fact]
    public async Task LoadAsync_Throws_WhenTheSegmentAfterASnapshotIsMissing()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.SnapshotsKept = 1);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            await store.SnapshotAsync(Delta("v1", 1), Ct);
            await store.AppendAsync(Delta("v2", 2), Ct);
        }
        File.Delete(Segment(dir.Path, 2));
        var reopened = Open(dir.Path);
        await using (reopened)
        {
            var error = await Assert.ThrowsAsync<StorageCorruptException>(async () => await reopened.LoadAsync(Ct));
            Assert.Contains("is missing", error.Message);
        }
    }

    [Fact]
    public async Task LoadAsync_RewritesSegment_WhenCutWhileBeingCreated()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await store.DisposeAsync();
        using (var segment = File.OpenWrite(Segment(dir.Path, 1)))
        {
            segment.SetLength(10);
        }
        var logger = new ListLogger<FileStateStore>();
        var (reopened, loaded) = await LoadAsync(dir.Path, logger);
        await using (reopened)
        {
            Assert.Null(loaded);
            Assert.Contains(logger.At(LogLevel.Warning), m => m.Contains("was cut while it was created", StringComparison.Ordinal));
            await reopened.AppendAsync(Delta("v1", 1), Ct);
        }
        var (third, state) = await LoadAsync(dir.Path);
        await using (third)
        {
            Assert.True(state?.SameStateAs(Delta("v1", 1)), "the rewritten segment must take appends");
        }
    }

    internal static void FlipByte(string path, Index at)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[at] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }
}
