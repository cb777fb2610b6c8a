using System.Diagnostics;
using Tally.Replication;

namespace Tally.Node;

public sealed partial class ReplicaExecutor
{
    /// <summary>Under the lock: queues the append at the store (its write is queued before this returns, so appends
    /// reach the store in number order) and reports its outcome to the replica when it ends.</summary>
    void StartAppend(Append append)
    {
        ValueTask write;
        try
        {
            write = store.AppendAsync(append.Delta, append.Keys, CancellationToken.None);
        }
        catch (Exception e)
        {
            write = ValueTask.FromException(e); // a store already disposed at shutdown: the append failed
        }
        _appendStarted[append.Number] = Stopwatch.GetTimestamp();
        _ = CompleteAppendAsync(append, write.AsTask());
    }

    async Task CompleteAppendAsync(Append append, Task write)
    {
        // Always on another thread: the outcome is a new input, never one taken in the middle of a Ready.
        await write.ConfigureAwait(ConfigureAwaitOptions.ForceYielding | ConfigureAwaitOptions.SuppressThrowing);
        var failure = write.IsCompletedSuccessfully ? null : write.Exception?.GetBaseException().Message ?? "The append was cancelled.";
        lock (_sync)
        {
            _appendStarted.Remove(append.Number, out var started);
            if (failure is null)
            {
                if (append.Kind == AppendKind.Own)
                {
                    metrics.Committed(Stopwatch.GetElapsedTime(started), append.Requests);
                }
                Replica.AppendDurable(append.Number, store.SnapshotDue);
            }
            else
            {
                Replica.AppendFailed(append.Number, failure);
                if (store.Unavailable is { } reason)
                {
                    Replica.StorageUnavailable(reason); // views refused at once until the probe recovers the store
                }
            }
            Pump();
        }
        CompleteAnswers();
        if (failure is not null)
        {
            Log.AppendFailed(logger, append.Kind, append.Number, append.Delta.Count, failure);
        }
    }

    /// <summary>Under the lock: starts the snapshot the replica asked for (it copied the state it needs).</summary>
    void StartSnapshot(SnapshotRequest snapshot)
    {
        _snapshotInFlight = snapshot.Number;
        _ = WriteSnapshotAsync(snapshot);
    }

    async Task WriteSnapshotAsync(SnapshotRequest snapshot)
    {
        await Task.Yield();
        string? failure = null;
        try
        {
            // The replica copied the state for this snapshot: the store may keep the copy.
            await store.SnapshotOwnedAsync(snapshot.State, snapshot.Keys, CancellationToken.None).ConfigureAwait(false);
            Log.Snapshot(logger, snapshot.State.Count);
        }
        catch (Exception e)
        {
            failure = e.Message;
            Log.SnapshotFailed(logger, e);
        }
        lock (_sync)
        {
            _snapshotInFlight = null;
            if (failure is null)
            {
                Replica.SnapshotDone(snapshot.Number);
            }
            else
            {
                Replica.SnapshotFailed(snapshot.Number, failure);
            }
            Pump();
        }
        CompleteAnswers();
    }

    /// <summary>After a storage failure: asks the store to recover (<see cref="IStateStore.TryRecoverAsync"/>) once no
    /// own append is in flight (the replica starts none while the store is down), which is the store's precondition:
    /// no append in flight built on a failed one. True when the store takes appends again; views are taken again then.</summary>
    public async Task<bool> TryRecoverStorageAsync(CancellationToken ct)
    {
        if (store.Unavailable is not { } reason)
        {
            return true;
        }
        lock (_sync)
        {
            if (Replica.OwnAppendsInFlight > 0)
            {
                return false; // they fail with the store; the next probe tries
            }
        }
        bool recovered;
        try
        {
            recovered = await store.TryRecoverAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.ProbeFailed(logger, e);
            return false;
        }
        if (recovered)
        {
            lock (_sync)
            {
                Replica.StorageAvailable();
                Pump();
            }
            CompleteAnswers();
            Log.Recovered(logger, Name, reason);
        }
        return recovered;
    }
}
