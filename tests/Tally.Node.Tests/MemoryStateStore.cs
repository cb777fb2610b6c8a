using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node.Tests;

/// <summary>An in-memory <see cref="IStateStore"/> for in-process tests: it keeps what was appended (state and request
/// keys) and counts the appends, so a test can see one commit per batch. It fails like a disk: while
/// <see cref="DiskFull"/> an append fails and the store stays failed (every later append fails too) until
/// <see cref="TryRecoverAsync"/> succeeds, which needs room again.</summary>
sealed class MemoryStateStore(CounterMap? initial = null) : IStateStore
{
    readonly Lock _lock = new();
    readonly CounterMap _disk = initial?.Clone() ?? new CounterMap();
    readonly List<IdempotencyRecord> _keys = [];
    bool _empty = initial is null;
    string? _failure;
    Task _tail = Task.CompletedTask;

    public int Appends { get; private set; }

    /// <summary>The replica and cluster ids that go with this store (a node's data directory holds both).</summary>
    public MemoryIdentityStore Identity { get; } = new();

    /// <summary>Appends attempted while the store was failed or full (each one refused).</summary>
    public int Refused { get; private set; }

    public bool DiskFull { get; set; }

    /// <summary>How long an append takes, like an fsync, so that concurrent requests pile up behind it.</summary>
    public TimeSpan AppendDelay { get; set; }

    public CounterMap Disk
    {
        get
        {
            lock (_lock)
            {
                return _disk.Clone();
            }
        }
    }

    /// <summary>Every request key appended, oldest first.</summary>
    public IReadOnlyList<IdempotencyRecord> Keys
    {
        get
        {
            lock (_lock)
            {
                return [.. _keys];
            }
        }
    }

    public IReadOnlyList<IdempotencyRecord> LoadedKeys { get; private set; } = [];

    public string? Unavailable
    {
        get
        {
            lock (_lock)
            {
                return _failure;
            }
        }
    }

    /// <summary>A store holding what this one holds, as a restarted node would find it (kill -9 keeps every
    /// completed append).</summary>
    public MemoryStateStore Reopen()
    {
        lock (_lock)
        {
            var reopened = new MemoryStateStore(_empty ? null : _disk);
            reopened._keys.AddRange(_keys);
            return reopened;
        }
    }

    public ValueTask<CounterMap?> LoadAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            LoadedKeys = [.. _keys];
            return ValueTask.FromResult(_empty ? null : _disk.Clone());
        }
    }

    public async ValueTask AppendAsync(CounterMap delta, IReadOnlyList<IdempotencyRecord> keys, CancellationToken ct)
    {
        // A log: appends complete in the order they were called (the contract of IStateStore), however long each takes.
        Task previous;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            (previous, _tail) = (_tail, done.Task);
        }
        try
        {
            await previous;
            if (AppendDelay > TimeSpan.Zero)
            {
                await Task.Delay(AppendDelay, CancellationToken.None);
            }
            Write(delta, keys);
        }
        finally
        {
            done.SetResult();
        }
    }

    void Write(CounterMap delta, IReadOnlyList<IdempotencyRecord> keys)
    {
        lock (_lock)
        {
            if (DiskFull || _failure is not null)
            {
                Refused++;
                _failure ??= "No space left on device (simulated).";
                throw new IOException(_failure);
            }
            _disk.Merge(delta);
            _keys.AddRange(keys);
            _empty = false;
            Appends++;
        }
    }

    public ValueTask SnapshotAsync(CounterMap state, KeyRetention keys, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                throw new IOException(_failure);
            }
            _disk.Merge(state);
            var kept = keys.Apply(_keys);
            _keys.Clear();
            _keys.AddRange(kept);
            _empty = false;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> TryRecoverAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            if (!DiskFull)
            {
                _failure = null;
            }
            return ValueTask.FromResult(_failure is null);
        }
    }
}
