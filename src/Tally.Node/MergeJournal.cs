using System.Threading.Channels;
using Tally.Crdt;

namespace Tally.Node;

/// <summary>Merged gossip deltas on their way to disk, in the order they were merged. Every message the core emits
/// acknowledges what the node has merged so far, so it may leave only once those merges are durable:
/// <see cref="Barrier"/> completes when everything added before it is on disk. Otherwise a peer could finish a
/// graceful leave on our acknowledgement and we could then crash before the append, losing its views for good.</summary>
/// <remarks><see cref="Add"/> and <see cref="Barrier"/> are called under <see cref="ReplicaHost.Sync"/>, right
/// after the step that produced the delta or the messages, so a barrier covers exactly the merges before its step.
/// Unbounded by count, but each inbound gossip request holds at most one entry until it is durable.</remarks>
public sealed class MergeJournal
{
    readonly Channel<Entry> _entries = Channel.CreateUnbounded<Entry>(new() { SingleReader = true });
    readonly Lock _gate = new();
    Task _last = Task.CompletedTask;

    /// <summary>A merged delta and the completion its appender signals; a null delta only wakes the appender.</summary>
    public readonly record struct Entry(CounterMap? Delta, TaskCompletionSource? Durable);

    public ChannelReader<Entry> Reader => _entries.Reader;

    /// <summary>Completes when every delta added so far is durable (faults if an append failed).</summary>
    public Task Barrier
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Queues a merged delta; the returned task completes once it is durable.</summary>
    public Task Add(CounterMap delta)
    {
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _entries.Writer.TryWrite(new Entry(delta, durable));
            _last = durable.Task;
        }
        return durable.Task;
    }

    /// <summary>Wakes the appender without a delta (a snapshot request).</summary>
    public void Wake() => _entries.Writer.TryWrite(default);

    public void Complete() => _entries.Writer.TryComplete();
}
