using Tally.Crdt;
using Tally.Storage.Format;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

public class GroupCommitTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_SharesOneWriteAndFlush_WhenAppendsWaitTogether()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            using var gate = new WriterGate(store);
            // 2000 records also pass the gather-write limit of the OS (IOV_MAX = 1024 on Linux).
            var appends = Enumerable.Range(0, 2000).Select(i => store.AppendAsync(Delta($"v{i}", 1), Ct).AsTask()).ToList();
            Assert.True(!appends.Any(a => a.IsCompleted), "no append may complete while the writer is held");
            gate.Open();
            await Task.WhenAll(appends);
            Assert.Equal(2000, store.Stats.Appends);
            Assert.True(store.Stats.Flushes == 1, $"appends queued together must share one fsync, got {store.Stats.Flushes}");
            Assert.True(store.Stats.Writes == 1, $"appends queued together must share one write, got {store.Stats.Writes}");
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.Equal(2000, loaded?.Count);
        }
    }

    [Fact]
    public async Task AppendAsync_SplitsBatches_AtBatchBytesMax()
    {
        using var dir = new TempDirectory();
        var frame = RecordFrame.Encode(Delta("v00", 1)).Length;
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.BatchBytesMax = 3 * frame);
        await using (store)
        {
            using var gate = new WriterGate(store);
            var appends = Enumerable.Range(0, 10).Select(i => store.AppendAsync(Delta($"v{i:D2}", 1), Ct).AsTask()).ToList();
            gate.Open();
            await Task.WhenAll(appends);
            Assert.True(store.Stats.Writes == 4, $"10 records of which 3 fit a batch need 4 writes, got {store.Stats.Writes}");
            Assert.Equal(4, store.Stats.Flushes);
        }
    }

    [Fact]
    public async Task ConcurrentAppends_AreAllDurable_WithFewerFlushesThanAppends()
    {
        using var dir = new TempDirectory();
        const int Writers = 32;
        const int Each = 25;
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (var i = 1; i <= Each; i++)
                {
                    await store.AppendAsync(Delta($"v{w}", (ulong)i), Ct);
                }
            }, Ct)));
            Assert.Equal(Writers * Each, store.Stats.Appends);
            Assert.True(store.Stats.Flushes < store.Stats.Appends,
                $"{Writers} concurrent writers must share fsyncs: {store.Stats.Flushes} fsyncs for {store.Stats.Appends} appends");
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            for (var w = 0; w < Writers; w++)
            {
                Assert.True(loaded!.EntryOf(VideoId.Parse($"v{w}"), Self) == Each, $"v{w} must hold its last acknowledged value {Each}");
            }
        }
    }

    [Fact]
    public async Task AppendAsync_WaitsForRoom_WhenQueueIsFull()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.QueueCapacity = 2);
        await using (store)
        {
            using var gate = new WriterGate(store);
            var first = store.AppendAsync(Delta("v1", 1), Ct).AsTask();
            var second = store.AppendAsync(Delta("v2", 1), Ct).AsTask();
            var third = store.AppendAsync(Delta("v3", 1), Ct).AsTask();
            Assert.False(third.IsCompleted, "a full queue must make the caller wait");
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.AppendAsync(Delta("v4", 1), cancelled.Token));
            gate.Open();
            await Task.WhenAll(first, second, third);
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Merged(Delta("v1", 1), Delta("v2", 1), Delta("v3", 1))),
                $"queued appends must land and the cancelled one must not: got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task AppendAsync_DoesNotFlush_WhenDurabilityIsNone()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.Durability = Durability.None);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            await store.AppendAsync(Delta("v1", 2), Ct);
            Assert.Equal(2, store.Stats.Appends);
            Assert.True(store.Stats.Flushes == 0, $"durability None must not fsync appends, got {store.Stats.Flushes}");
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Delta("v1", 2)), "written appends must be read back");
        }
    }

    [Fact]
    public async Task AppendAsync_FailsThisAndEveryLaterCall_WhenTheLogCannotBeWritten()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger<FileStateStore>();
        var (store, _) = await LoadAsync(dir.Path, logger);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            store.BeforeBatchAsync = () =>
            {
                store.SegmentForTests!.Dispose(); // the next write fails, as on a disk error
                return Task.CompletedTask;
            };
            await Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync(Delta("v2", 1), Ct));
            store.BeforeBatchAsync = null;
            var later = await Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync(Delta("v3", 1), Ct));
            Assert.Contains("takes no writes", later.Message);
            await Assert.ThrowsAsync<IOException>(async () => await store.SnapshotAsync(Delta("v1", 1), Ct));
            Assert.Contains(logger.At(Microsoft.Extensions.Logging.LogLevel.Critical), m => m.Contains("failed", StringComparison.Ordinal));
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Delta("v1", 1)), $"what was acknowledged before the failure must load: got {Describe(loaded)}");
        }
    }
}
