using Tally.Crdt;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests.PowerLoss;

/// <summary>Snapshots under a power cut: a snapshot that returned is on disk, and the log it covers too, whatever
/// the durability of appends (an older snapshot or the log is the fallback when it is damaged).</summary>
public class SnapshotPowerLossTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static FileStateStore Open(string directory, PowerLossFiles files, Durability durability = Durability.Fsync) =>
        new(new StorageOptions { DataDirectory = directory, Durability = durability }, new ListLogger<FileStateStore>(), null, files);

    [Fact]
    public async Task SnapshotAsync_IsOnDisk_WhenThePowerFailsRightAfterItReturns()
    {
        using var dir = new TempDirectory();
        var files = new PowerLossFiles();
        var store = Open(dir.Path, files);
        await store.LoadAsync(Ct);
        await store.AppendAsync(Delta("v1", 1), Ct);
        await store.SnapshotAsync(Delta("v1", 1), Ct);
        files.Crash();
        await store.DisposeAsync();
        files.RestoreDisk();
        Assert.True(File.Exists(Snapshot(dir.Path, 2)), "a snapshot that returned has a durable name");
    }

    [Fact]
    public async Task SnapshotAsync_MakesTheLogItCoversDurable_EvenWithoutDurableAppends()
    {
        using var dir = new TempDirectory();
        var files = new PowerLossFiles();
        var store = Open(dir.Path, files, Durability.None);
        await store.LoadAsync(Ct);
        await store.AppendAsync(Delta("v1", 1), Ct); // written, not fsynced
        await store.SnapshotAsync(Delta("v1", 1), Ct);
        files.Crash();
        await store.DisposeAsync();
        files.RestoreDisk();
        RecoveryTests.FlipByte(Snapshot(dir.Path, 2), 5); // the fallback is the log the snapshot covered
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Delta("v1", 1)), $"the covered log must be on disk for the fallback: got {Describe(loaded)}");
        }
    }
}
