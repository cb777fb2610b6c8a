using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;
using Tally.Crdt;
using Tally.Replication;
using Tally.Storage.Format;

namespace Tally.Storage;

public sealed partial class FileStateStore
{
    // Owned by the writer loop once LoadAsync has set them up.
    SafeFileHandle? _segment;
    long _segmentSequence;
    long _segmentEnd;
    Exception? _failure;

    /// <summary>Test seam: awaited by the writer after an item arrives and before it drains the queue, so a test can
    /// queue many appends and see them share one flush without relying on timing. It must not throw.</summary>
    internal Func<Task>? BeforeBatchAsync { get; set; }

    /// <summary>Test seam: the open log segment, so a test can break it and watch the store fail safely.</summary>
    internal SafeFileHandle? SegmentForTests => _segment;

    /// <summary>Appends <paramref name="delta"/> (absolute entries) to the log. Completes once it is fsynced (or
    /// written, with <see cref="Durability.None"/>); concurrent calls share one write and one fsync.</summary>
    /// <remarks>The delta is encoded before this returns, so the caller may change it afterwards. Cancelling
    /// <paramref name="ct"/> only stops the wait for room in a full queue, and then nothing is written; once queued,
    /// an append always runs to its end.</remarks>
    /// <exception cref="IOException">The write or fsync failed (now or earlier): the store takes no more writes.</exception>
    public ValueTask AppendAsync(CounterMap delta, CancellationToken ct) => AppendAsync(delta, [], ct);

    /// <summary>Appends <paramref name="delta"/> and the <paramref name="keys"/> of the requests it counts as one
    /// record, so after a crash both are on disk or neither is. Otherwise as
    /// <see cref="AppendAsync(CounterMap, CancellationToken)"/>.</summary>
    /// <exception cref="IOException">The store cannot write now (see <see cref="Unavailable"/>).</exception>
    public ValueTask AppendAsync(CounterMap delta, IReadOnlyList<IdempotencyRecord> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentNullException.ThrowIfNull(keys);
        RequireOpen();
        if (Volatile.Read(ref _failure) is { } failure)
        {
            return ValueTask.FromException(failure);
        }
        if (delta.Count == 0 && keys.Count == 0)
        {
            return ValueTask.CompletedTask;
        }
        var append = new AppendCommand(RecordFrame.Encode(delta, keys));
        return _queue.Writer.TryWrite(append) ? new ValueTask(append.Done.Task) : EnqueueAndWaitAsync(append, ct);
    }

    async ValueTask EnqueueAndWaitAsync(AppendCommand append, CancellationToken ct)
    {
        await EnqueueAsync(append, ct).ConfigureAwait(false);
        await append.Done.Task.ConfigureAwait(false);
    }

    async ValueTask EnqueueAsync(WriteCommand command, CancellationToken ct)
    {
        try
        {
            await _queue.Writer.WriteAsync(command, ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(FileStateStore));
        }
    }

    async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<AppendCommand>();
        var frames = new List<ReadOnlyMemory<byte>>();
        // No ConfigureAwait here: the writer runs on the thread pool (Task.Run in LoadAsync), with no context to leave.
        while (await reader.WaitToReadAsync())
        {
            if (BeforeBatchAsync is { } hook)
            {
                await hook();
            }
            long bytes = 0;
            while (reader.TryPeek(out var next))
            {
                if (next is not AppendCommand)
                {
                    if (batch.Count > 0)
                    {
                        break; // commit what came before the roll or recovery first; it is next
                    }
                    reader.TryRead(out _);
                    if (next is RollCommand roll)
                    {
                        Roll(roll);
                    }
                    else
                    {
                        Recover((RecoverCommand)next);
                    }
                    continue;
                }
                var append = (AppendCommand)next;
                if (batch.Count > 0 && bytes + append.Frame.Length > _options.BatchBytesMax)
                {
                    break;
                }
                reader.TryRead(out _);
                batch.Add(append);
                frames.Add(append.Frame);
                bytes += append.Frame.Length;
            }
            if (batch.Count > 0)
            {
                Commit(batch, frames, bytes);
                batch.Clear();
                frames.Clear();
            }
        }
    }

    void Commit(List<AppendCommand> batch, List<ReadOnlyMemory<byte>> frames, long bytes)
    {
        if (_failure is null)
        {
            try
            {
                _files.Write(_segment!, frames, _segmentEnd);
                var flush = _options.Durability == Durability.Fsync;
                if (flush)
                {
                    _files.FlushToDisk(_segment!);
                }
                _segmentEnd += bytes;
                Stats.Written(batch.Count, bytes, flush);
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }
        foreach (var append in batch)
        {
            if (_failure is { } failure)
            {
                append.Done.TrySetException(failure);
            }
            else
            {
                append.Done.TrySetResult();
            }
        }
    }

    /// <summary>Closes the current segment (fsynced, whatever the durability) and starts the next one, so that a
    /// snapshot covers exactly the segments before it.</summary>
    void Roll(RollCommand roll)
    {
        if (_failure is null)
        {
            try
            {
                _files.FlushToDisk(_segment!);
                var next = _segmentSequence + 1;
                var file = DurableFile.Create(_files, DataDirectory, DataFiles.SegmentName(next), new FileHeader(FileKind.Segment, next, 0).ToBytes());
                _segment!.Dispose();
                (_segment, _segmentSequence, _segmentEnd) = (file, next, FileHeader.Size);
                roll.Done.TrySetResult(new RollResult(next, Stats.LogBytes));
                return;
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }
        roll.Done.TrySetException(_failure!);
    }

    void Fail(Exception e)
    {
        var path = Path.Combine(DataDirectory, DataFiles.SegmentName(_segmentSequence));
        LogWriteFailed(e, path);
        Stats.Failed();
        Volatile.Write(ref _failure, new IOException(
            $"Writing the log '{path}' failed ({e.Message}); the store takes no writes until it recovers (TryRecoverAsync) or the node restarts.", e));
        try
        {
            // Cut a partial write at once, so it can never replay; recovery (or the next start) cuts it otherwise.
            _files.SetLength(_segment!, _segmentEnd);
        }
        catch (Exception)
        {
            // Best effort only: TryRecoverAsync and the next start truncate a torn tail themselves.
        }
    }

    sealed class RecoverCommand : WriteCommand
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    abstract class WriteCommand;

    sealed class AppendCommand(ReadOnlyMemory<byte> frame) : WriteCommand
    {
        public ReadOnlyMemory<byte> Frame { get; } = frame;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    sealed class RollCommand : WriteCommand
    {
        public TaskCompletionSource<RollResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <param name="Sequence">The new segment; the snapshot covers every segment before it.</param>
    /// <param name="CoveredLogBytes">Log bytes since the last snapshot, all in the covered segments.</param>
    readonly record struct RollResult(long Sequence, long CoveredLogBytes);
}
