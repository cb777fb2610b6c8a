using Tally.Storage.Files;
using Tally.Storage.Tests.Faults;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

/// <summary>The store never resumes on its caller's synchronization context: a caller whose context runs nothing
/// (a UI thread blocked on the call, say) still sees every call complete. Each call here is started under such a
/// context and made to wait inside the store (a full queue, a running snapshot, the writer).</summary>
public class CallerContextTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Takes posted continuations and never runs them.</summary>
    sealed class NeverRunsContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
        }

        public override void Send(SendOrPostCallback d, object? state) => throw new InvalidOperationException("no synchronous work here");
    }

    /// <summary>Starts <paramref name="call"/> with a <see cref="NeverRunsContext"/> as the current context.</summary>
    static Task Under(Func<ValueTask> call)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(new NeverRunsContext());
        try
        {
            return call().AsTask();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    static Task<bool> Under(Func<ValueTask<bool>> call)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(new NeverRunsContext());
        try
        {
            return call().AsTask();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    [Fact]
    public async Task AppendAndSnapshot_Complete_WhenTheCallersContextRunsNothing()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.QueueCapacity = 1);
        await using (store)
        {
            using var gate = new WriterGate(store);
            var queued = store.AppendAsync(Delta("v1", 1), Ct).AsTask();         // fills the queue
            var waitingAppend = Under(() => store.AppendAsync(Delta("v2", 1), Ct)); // waits for room, then for its fsync
            var snapshot = Under(() => store.SnapshotAsync(Delta("v1", 1), Ct));    // waits for room for its roll, then the roll
            var nextSnapshot = Under(() => store.SnapshotAsync(Delta("v1", 1), Ct)); // waits for the running snapshot
            gate.Open();
            await Task.WhenAll(queued, waitingAppend, snapshot, nextSnapshot).WaitAsync(Bound, Ct);
        }
    }

    [Fact]
    public async Task SnapshotAsync_Completes_WhenTheCallersContextRunsNothing_AndOnlyItsRollWaits()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            using var gate = new WriterGate(store);
            var snapshot = Under(() => store.SnapshotAsync(Delta("v1", 1), Ct)); // the queue has room: only the roll waits
            gate.Open();
            await snapshot.WaitAsync(Bound, Ct);
        }
    }

    /// <summary>A store whose last append failed (its fsync), so <see cref="FileStateStore.TryRecoverAsync"/> has
    /// work to do.</summary>
    static async Task<FileStateStore> FailedStoreAsync(string directory, int queueCapacity)
    {
        var files = new FaultyFiles(OsFiles.Instance);
        var store = new FileStateStore(new StorageOptions { DataDirectory = directory, QueueCapacity = queueCapacity }, new ListLogger<FileStateStore>(), null, files);
        await store.LoadAsync(Ct);
        var armed = 1;
        files.Before = call => call.Op == FileOp.FlushToDisk && Interlocked.Exchange(ref armed, 0) == 1 ? "Input/output error" : null;
        await Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync(Delta("v1", 1), Ct));
        return store;
    }

    [Fact]
    public async Task TryRecoverAsync_Completes_WhenTheCallersContextRunsNothing_AndTheQueueIsFull()
    {
        using var dir = new TempDirectory();
        var store = await FailedStoreAsync(dir.Path, queueCapacity: 1);
        await using (store)
        {
            using var gate = new WriterGate(store);
            var snapshot = store.SnapshotAsync(Delta("v1", 1), Ct).AsTask(); // its roll fills the queue (and fails)
            var recovered = Under(() => store.TryRecoverAsync(Ct));          // waits for room, then for the writer
            gate.Open();
            Assert.True(await recovered.WaitAsync(Bound, Ct), store.Unavailable);
            await Assert.ThrowsAsync<IOException>(() => snapshot.WaitAsync(Bound, Ct));
        }
    }

    [Fact]
    public async Task TryRecoverAsync_Completes_WhenTheCallersContextRunsNothing_AndOnlyTheWriterWaits()
    {
        using var dir = new TempDirectory();
        var store = await FailedStoreAsync(dir.Path, queueCapacity: 16);
        await using (store)
        {
            using var gate = new WriterGate(store);
            var recovered = Under(() => store.TryRecoverAsync(Ct));
            gate.Open();
            Assert.True(await recovered.WaitAsync(Bound, Ct), store.Unavailable);
        }
    }

    [Fact]
    public async Task DisposeAsync_Completes_WhenTheCallersContextRunsNothing_WhileASnapshotRuns()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        using var gate = new WriterGate(store);
        var append = store.AppendAsync(Delta("v1", 1), Ct).AsTask();
        var snapshot = store.SnapshotAsync(Delta("v1", 1), Ct).AsTask(); // holds the snapshot gate until its roll
        var disposing = Under(() => store.DisposeAsync());                // waits for the snapshot, then the writer
        gate.Open();
        await Task.WhenAll(append, snapshot, disposing).WaitAsync(Bound, Ct);
    }

    [Fact]
    public async Task DisposeAsync_Completes_WhenTheCallersContextRunsNothing_AndOnlyTheWriterWaits()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        using var gate = new WriterGate(store);
        var append = store.AppendAsync(Delta("v1", 1), Ct).AsTask();
        var disposing = Under(() => store.DisposeAsync()); // the snapshot gate is free: it waits for the writer
        gate.Open();
        await Task.WhenAll(append, disposing).WaitAsync(Bound, Ct);
    }
}
