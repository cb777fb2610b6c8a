using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node.Tests;

/// <summary>An in-memory <see cref="IStateStore"/> for in-process tests: it keeps what was appended and counts the
/// appends, so a test can see one commit per batch. It can be told to fail, like a full disk.</summary>
sealed class MemoryStateStore(CounterMap? initial = null) : IStateStore
{
    readonly Lock _lock = new();
    readonly CounterMap _disk = initial?.Clone() ?? new CounterMap();
    bool _empty = initial is null;

    public int Appends { get; private set; }

    /// <summary>The replica and cluster ids that go with this store (a node's data directory holds both).</summary>
    public MemoryIdentityStore Identity { get; } = new();

    public bool Fail { get; set; }

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

    public ValueTask<CounterMap?> LoadAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_empty ? null : _disk.Clone());
        }
    }

    /// <summary>From now on, each append waits until the test calls <see cref="AppendHold.Release"/> before it
    /// reaches the disk and completes: the append completes asynchronously, under the test's control.</summary>
    public AppendHold HoldAppends()
    {
        var hold = new AppendHold();
        _hold = hold;
        return hold;
    }

    AppendHold? _hold;

    public async ValueTask AppendAsync(CounterMap delta, CancellationToken ct)
    {
        if (_hold is { } hold)
        {
            await hold.WaitAsync();
        }
        if (AppendDelay > TimeSpan.Zero)
        {
            await Task.Delay(AppendDelay, ct);
        }
        lock (_lock)
        {
            if (Fail)
            {
                throw new IOException("No space left on device (simulated).");
            }
            _disk.Merge(delta);
            _empty = false;
            Appends++;
        }
    }

    public ValueTask SnapshotAsync(CounterMap state, CancellationToken ct)
    {
        lock (_lock)
        {
            _disk.Merge(state);
            _empty = false;
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>Holds appends until released; <see cref="Started"/> completes when the first held append begins.</summary>
sealed class AppendHold
{
    readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task;

    public void Release() => _released.TrySetResult();

    internal Task WaitAsync()
    {
        _started.TrySetResult();
        return _released.Task;
    }
}
