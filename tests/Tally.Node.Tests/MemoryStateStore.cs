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

    public bool Fail { get; set; }

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

    public ValueTask AppendAsync(CounterMap delta, CancellationToken ct)
    {
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
        return ValueTask.CompletedTask;
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
