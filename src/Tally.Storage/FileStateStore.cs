using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tally.Storage.Files;
using Tally.Replication;

namespace Tally.Storage;

/// <summary>The node's durable state in a data directory: snapshots plus an append-only log of deltas, written with
/// group commit. The file format, recovery rules and invariants are in docs/storage.md.</summary>
/// <remarks>
/// <para>Lifecycle: the constructor takes the directory's lock (<see cref="DataDirectoryLockedException"/> if another
/// store holds it); <see cref="LoadAsync"/> runs once, first, recovers the directory and starts the writer; then
/// <see cref="AppendAsync(Tally.Crdt.CounterMap, System.Threading.CancellationToken)"/> and <see cref="SnapshotAsync(Tally.Crdt.CounterMap, Tally.Replication.KeyRetention, System.Threading.CancellationToken)"/> may be called from any thread;
/// <see cref="DisposeAsync"/> finishes queued appends and releases the lock.</para>
/// <para>Group commit: appends go through a bounded queue to one writer, which takes every waiting append (up to
/// <see cref="StorageOptions.BatchBytesMax"/>), writes them with one call, fsyncs once and then completes them all.</para>
/// <para>An I/O error fails the batch and every later append: after a failed fsync the state of the OS cache is
/// unknown, so the store does not retry. Restart the node; it recovers from what is on disk.</para>
/// </remarks>
public sealed partial class FileStateStore : IStateStore, IAsyncDisposable
{
    const int New = 0;
    const int Loading = 1;
    const int Open = 2;
    const int Disposed = 3;

    readonly StorageOptions _options;
    readonly ILogger<FileStateStore> _logger;
    readonly DirectoryLock _lock;
    readonly Channel<WriteCommand> _queue;
    readonly SemaphoreSlim _snapshotGate = new(1, 1);
    readonly IStorageFiles _files;
    int _phase;
    Task _writer = Task.CompletedTask;

    /// <exception cref="ValidationException"><paramref name="options"/> break their DataAnnotations.</exception>
    /// <exception cref="DataDirectoryLockedException">Another open store holds the directory.</exception>
    public FileStateStore(StorageOptions options, ILogger<FileStateStore> logger, IMeterFactory? meterFactory = null)
        : this(options, logger, meterFactory, OsFiles.Instance)
    {
    }

    /// <summary>A store that changes its files through <paramref name="files"/> (tests: a layer that simulates
    /// power loss); <see cref="OsFiles.Instance"/> is the real file system.</summary>
    /// <exception cref="ValidationException"><paramref name="options"/> break their DataAnnotations.</exception>
    /// <exception cref="DataDirectoryLockedException">Another open store holds the directory.</exception>
    public FileStateStore(StorageOptions options, ILogger<FileStateStore> logger, IMeterFactory? meterFactory, IStorageFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        _files = files;
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        _options = options;
        _logger = logger;
        DataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(DataDirectory);
        _lock = DirectoryLock.Acquire(DataDirectory);
        _queue = Channel.CreateBounded<WriteCommand>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        if (meterFactory is not null)
        {
            CreateInstruments(meterFactory);
        }
    }

    /// <summary>The full path of the data directory.</summary>
    public string DataDirectory { get; }

    public StorageStats Stats { get; } = new();

    /// <summary>True when the log since the newest snapshot holds at least
    /// <see cref="StorageOptions.SnapshotLogBytesMax"/> bytes and no snapshot is being written: the host should call
    /// <see cref="SnapshotAsync(Tally.Crdt.CounterMap, Tally.Replication.KeyRetention, System.Threading.CancellationToken)"/> soon (replay time and disk use grow with the log).</summary>
    public bool SnapshotDue =>
        Volatile.Read(ref _phase) == Open && Stats.LogBytes >= _options.SnapshotLogBytesMax && _snapshotGate.CurrentCount > 0;

    /// <summary>Completes the appends already queued, waits for a snapshot in progress, closes the files and
    /// releases the directory lock.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _phase, Disposed) == Disposed)
        {
            return;
        }
        await _snapshotGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _queue.Writer.TryComplete();
            await _writer.ConfigureAwait(false);
        }
        finally
        {
            // Here, not in the writer: a load that failed part-way has no writer but may hold the last segment.
            _segment?.Dispose();
            _lock.Dispose();
            _snapshotGate.Release();
        }
    }

    void RequireOpen()
    {
        switch (Volatile.Read(ref _phase))
        {
            case Open:
                return;
            case Disposed:
                throw new ObjectDisposedException(nameof(FileStateStore));
            default:
                throw new InvalidOperationException("Call LoadAsync (once) before appending or taking a snapshot.");
        }
    }
}
