using System.ComponentModel.DataAnnotations;
using Tally.Crdt;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

public class RoundTripTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoadAsync_ReturnsMergedState_AfterAppends()
    {
        using var dir = new TempDirectory();
        CounterMap[] deltas = [Delta("v1", 3), Delta("v2", 5), Delta("v1", 7), Delta("v1", 2, "n2"), Delta("v2", 4)];
        var (store, state) = await LoadAsync(dir.Path);
        Assert.Null(state);
        await using (store)
        {
            foreach (var delta in deltas)
            {
                await store.AppendAsync(delta, Ct);
            }
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            var expected = Merged(deltas);
            Assert.True(loaded?.SameStateAs(expected), $"the reload must be the merge of all appends: expected {Describe(expected)}, got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task LoadAsync_ReturnsNull_ForEmptyOrMissingDirectory()
    {
        using var dir = new TempDirectory();
        var missing = Path.Combine(dir.Path, "missing");
        var (store, state) = await LoadAsync(missing);
        await store.DisposeAsync();
        Assert.True(state is null, "a directory that did not exist holds no state");
        var (again, stateAgain) = await LoadAsync(missing);
        await again.DisposeAsync();
        Assert.True(stateAgain is null, "a directory whose store never appended holds no state");
    }

    [Fact]
    public async Task LoadAsync_ReturnsAll_AfterSnapshotsAndMoreAppends()
    {
        using var dir = new TempDirectory();
        var applied = new CounterMap();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            for (var round = 0; round < 3; round++)
            {
                for (var i = 1; i <= 5; i++)
                {
                    var delta = Delta($"v{i}", (ulong)(round * 10 + i));
                    await store.AppendAsync(delta, Ct);
                    applied.Merge(delta);
                }
                await store.SnapshotAsync(applied.Clone(), Ct);
            }
            await store.AppendAsync(Delta("v9", 9), Ct);
            applied.Merge(Delta("v9", 9));
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(applied), $"snapshot plus log must give every append: expected {Describe(applied)}, got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task SnapshotOwnedAsync_WritesTheStateAndTheLogItCovers_WithoutACopy()
    {
        using var dir = new TempDirectory();
        var applied = new CounterMap();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            for (var i = 1; i <= 5; i++)
            {
                await store.AppendAsync(Delta($"v{i}", (ulong)i), Ct);
                applied.Merge(Delta($"v{i}", (ulong)i));
            }
            await store.AppendAsync(Delta("v6", 6), Ct); // durable, not yet in the state handed over
            var handed = applied.Clone();
            await store.SnapshotOwnedAsync(handed, Replication.KeyRetention.None, Ct);
            applied.Merge(Delta("v6", 6));
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(applied), $"the owned snapshot must hold every append: expected {Describe(applied)}, got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task SnapshotAsync_KeepsAppends_MissingFromTheGivenState()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 4), Ct);
            await store.AppendAsync(Delta("v2", 6), Ct);
            // A host may snapshot a state that misses acknowledged deltas it has not applied yet, even twice in a row:
            // the covered log is folded in, and what the state lacked is carried on to the next snapshot.
            await store.SnapshotAsync(Delta("v3", 1), Ct);
            await store.SnapshotAsync(Delta("v3", 1), Ct);
            await store.SnapshotAsync(Delta("v3", 1), Ct);
        }
        Assert.False(File.Exists(Segment(dir.Path, 1)), "segment 1 is covered by two kept snapshots and must be gone");
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            var expected = Merged(Delta("v1", 4), Delta("v2", 6), Delta("v3", 1));
            Assert.True(loaded?.SameStateAs(expected), $"appends before a snapshot must survive it even if its state lacks them: got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task SnapshotAsync_LosesNothing_WhileAppendsRun()
    {
        using var dir = new TempDirectory();
        var applied = new CounterMap();
        var gate = new Lock();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 1; i <= 60; i++)
                {
                    var delta = Delta($"v{w}-{i % 7}", (ulong)i);
                    await store.AppendAsync(delta, Ct);
                    lock (gate)
                    {
                        applied.Merge(delta); // applied after the append completes, as the host does
                    }
                }
            }, Ct)).ToList();
            while (writers.Any(w => !w.IsCompleted))
            {
                ValueTask snapshot;
                lock (gate)
                {
                    snapshot = store.SnapshotAsync(applied, Ct); // copies the state before it first yields
                }
                await snapshot;
            }
            await Task.WhenAll(writers);
            Assert.True(store.Stats.Snapshots > 0, "the test must take snapshots while appends run");
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(applied), $"every append must survive snapshots taken while it ran: expected {Describe(applied)}, got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task SnapshotAsync_DropsCoveredFiles_BeyondSnapshotsKept()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.SnapshotsKept = 2);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            await store.SnapshotAsync(Delta("v1", 1), Ct);
            AssertFiles(dir.Path, ["log-1", "log-2", "snapshot-2"], "after the first snapshot the log is kept from its start as a fallback");
            await store.AppendAsync(Delta("v1", 2), Ct);
            await store.SnapshotAsync(Delta("v1", 2), Ct);
            AssertFiles(dir.Path, ["log-2", "log-3", "snapshot-2", "snapshot-3"], "two snapshots are kept with the log after the older");
            await store.SnapshotAsync(Delta("v1", 2), Ct);
            AssertFiles(dir.Path, ["log-3", "log-4", "snapshot-3", "snapshot-4"], "the oldest snapshot and its log go");
            Assert.Equal(3, store.Stats.Snapshots);
        }
    }

    [Fact]
    public async Task SnapshotDue_TurnsTrue_WhenLogPassesLimit_AndFalseAfterSnapshot()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.SnapshotLogBytesMax = 200);
        await using (store)
        {
            var applied = new CounterMap();
            var appends = 0;
            while (!store.SnapshotDue)
            {
                Assert.True(appends++ < 100, "200 log bytes must be reached within 100 appends");
                var delta = Delta($"video-{appends}", 1);
                await store.AppendAsync(delta, Ct);
                applied.Merge(delta);
            }
            Assert.True(store.Stats.LogBytes >= 200, $"SnapshotDue may only turn true at the limit, log has {store.Stats.LogBytes} bytes");
            await store.SnapshotAsync(applied, Ct);
            Assert.False(store.SnapshotDue, "a snapshot covers the log, so none is needed right after it");
            Assert.Equal(0, store.Stats.LogBytes);
        }
    }

    [Fact]
    public async Task Calls_Throw_OutsideTheLifecycle()
    {
        using var dir = new TempDirectory();
        var store = Open(dir.Path);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.AppendAsync(Delta("v1", 1), Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.SnapshotAsync(new CounterMap(), Ct));
        await store.LoadAsync(Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.LoadAsync(Ct));
        await store.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.AppendAsync(Delta("v1", 1), Ct));
    }

    [Fact]
    public void Constructor_Throws_ForInvalidOptions()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<ValidationException>(() => Open(dir.Path, configure: o => o.QueueCapacity = 0));
        Assert.Contains(nameof(StorageOptions.QueueCapacity), error.Message);
        Assert.Throws<ValidationException>(() => Open(""));
    }

    static void AssertFiles(string directory, string[] expected, string because)
    {
        var names = Directory.EnumerateFiles(directory)
            .Select(p => Path.GetFileNameWithoutExtension(p))
            .Where(n => n.StartsWith("log-", StringComparison.Ordinal) || n.StartsWith("snapshot-", StringComparison.Ordinal))
            .Select(n => n[..(n.IndexOf('-') + 1)] + long.Parse(n[(n.IndexOf('-') + 1)..]))
            .Order(StringComparer.Ordinal);
        Assert.True(names.SequenceEqual(expected.Order(StringComparer.Ordinal)), $"{because}: expected {string.Join(", ", expected)}, found {string.Join(", ", names)}");
    }
}
