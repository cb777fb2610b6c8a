using Tally.Crdt;
using Tally.Storage.Format;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

/// <summary>The writer's batches and the store's end: what is queued is written in order, in batches no larger than
/// allowed (a larger record alone), before the roll that follows it, and before dispose returns.</summary>
public class WriterTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AppendAsync_WritesNothing_ForAnEmptyDeltaWithoutKeys()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(new CounterMap(), Ct);
            Assert.True(store.Stats is { Appends: 0, Writes: 0, BytesWritten: 0 },
                $"an empty append is no record: {store.Stats.Appends} appends, {store.Stats.Writes} writes");
        }
        Assert.Equal(FileHeader.Size, new FileInfo(Segment(dir.Path, 1)).Length);
    }

    [Fact]
    public async Task AppendAsync_WritesEachRecordAlone_WhenItIsLargerThanBatchBytesMax()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.BatchBytesMax = 1);
        await using (store)
        {
            using var gate = new WriterGate(store);
            var appends = Enumerable.Range(0, 3).Select(i => store.AppendAsync(Delta($"v{i}", 1), Ct).AsTask()).ToList();
            gate.Open();
            await Task.WhenAll(appends).WaitAsync(Bound, Ct);
            Assert.True(store.Stats.Writes == 3, $"three records over the batch limit need three writes, got {store.Stats.Writes}");
        }
    }

    [Fact]
    public async Task SnapshotAsync_Covers_AppendsQueuedBeforeIt()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            Task append, snapshot;
            using (var gate = new WriterGate(store))
            {
                append = store.AppendAsync(Delta("v1", 1), Ct).AsTask();
                snapshot = store.SnapshotAsync(Delta("v1", 1), Ct).AsTask(); // its roll is queued behind the append
                gate.Open();
                await Task.WhenAll(append, snapshot).WaitAsync(Bound, Ct);
            }
            Assert.True(store.Stats.LogBytes == 0, $"the snapshot covers the append queued before it, yet {store.Stats.LogBytes} log bytes are left");
            Assert.True(new FileInfo(Segment(dir.Path, 1)).Length > FileHeader.Size, "the append is in the segment the snapshot covers");
            Assert.Equal(FileHeader.Size, new FileInfo(Segment(dir.Path, 2)).Length);
        }
    }

    [Fact]
    public async Task SnapshotAsync_WritesNoLogBatch_WhenNothingWasAppended()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.SnapshotAsync(Delta("v1", 1), Ct);
            Assert.True(store.Stats is { Writes: 0, Flushes: 0 }, $"a roll alone writes no batch: {store.Stats.Writes} writes, {store.Stats.Flushes} fsyncs");
        }
    }

    [Fact]
    public async Task AppendAsync_ThrowsObjectDisposed_WhenTheStoreIsDisposedWhileItWaitsForRoom()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.QueueCapacity = 1);
        ValueTask disposing;
        Task queued, waiting;
        using (var gate = new WriterGate(store))
        {
            queued = store.AppendAsync(Delta("v1", 1), Ct).AsTask();
            waiting = store.AppendAsync(Delta("v2", 1), Ct).AsTask();
            disposing = store.DisposeAsync();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Bound, Ct));
            gate.Open();
        }
        await disposing;
        await queued; // queued before the dispose: written
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Delta("v1", 1)), $"got {Describe(loaded)}");
        }
    }

    [Fact]
    public async Task DisposeAsync_CompletesQueuedAppends_AndClosesTheLog()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        var segment = store.SegmentForTests!;
        List<Task> appends;
        using (var gate = new WriterGate(store))
        {
            appends = [.. Enumerable.Range(0, 3).Select(i => store.AppendAsync(Delta($"v{i}", 1), Ct).AsTask())];
            var disposing = store.DisposeAsync().AsTask();
            gate.Open();
            await disposing.WaitAsync(Bound, Ct);
        }
        Assert.True(appends.All(a => a.IsCompletedSuccessfully),
            $"dispose returns once the appends queued before it are written: {string.Join(", ", appends.Select(a => a.Status))}");
        Assert.True(segment.IsClosed, "dispose closes the log segment");
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.Equal(3, loaded?.Count);
        }
    }
}
