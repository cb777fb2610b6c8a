using Tally.Storage.Format;

namespace Tally.Storage;

public sealed partial class FileStateStore
{
    /// <summary>Bytes a recovery writes (and then cuts off) to show the disk has room again.</summary>
    internal const int RecoveryProbeBytes = 64 << 10;

    /// <summary>Why appends fail now: the write or fsync error that stopped the store, or null while it takes them.</summary>
    public string? Unavailable => Volatile.Read(ref _failure)?.Message;

    /// <summary>After a failed write or fsync: cuts the log back to its last record that was acknowledged (so a failed
    /// append can never replay), deletes a segment a failed roll left behind, then writes and fsyncs
    /// <see cref="RecoveryProbeBytes"/> bytes past the end and cuts them off again. True when all of that worked and
    /// the store takes appends again; false when the disk still fails (<see cref="Unavailable"/> names the error).</summary>
    /// <remarks>Runs in the writer, in order with the appends: every append queued before it failed with the store.
    /// The caller must make sure no append queued after it was built on top of one that failed (the node holds every
    /// commit slot while it calls this). Retrying on the same file after a failed fsync is safe here because the
    /// bytes the failed fsync covered are cut off and the cut is fsynced; every byte kept was fsynced before.</remarks>
    public async ValueTask<bool> TryRecoverAsync(CancellationToken ct)
    {
        RequireOpen();
        if (Volatile.Read(ref _failure) is null)
        {
            return true;
        }
        var recover = new RecoverCommand();
        await EnqueueAsync(recover, ct).ConfigureAwait(false);
        return await recover.Done.Task.ConfigureAwait(false);
    }

    void Recover(RecoverCommand recover)
    {
        if (_failure is null)
        {
            recover.Done.TrySetResult(true);
            return;
        }
        try
        {
            var next = Path.Combine(DataDirectory, DataFiles.SegmentName(_segmentSequence + 1));
            if (File.Exists(next))
            {
                _files.Delete(next); // a roll that failed half-way: nothing was ever appended to it
                _files.FlushDirectory(DataDirectory);
            }
            // Cut (durably) before the probe: a failed fsync may still have put the failed append on disk.
            _files.SetLength(_segment!, _segmentEnd);
            _files.FlushToDisk(_segment!);
            try
            {
                _files.Write(_segment!, new byte[RecoveryProbeBytes], _segmentEnd);
                _files.FlushToDisk(_segment!);
            }
            finally
            {
                // Zeros past the last record would be cut at the next load anyway (a torn tail), but not left here.
                _files.SetLength(_segment!, _segmentEnd);
                _files.FlushToDisk(_segment!);
            }
            Volatile.Write(ref _failure, null);
            Stats.Recovered();
            LogRecovered(Path.Combine(DataDirectory, DataFiles.SegmentName(_segmentSequence)));
            recover.Done.TrySetResult(true);
        }
        catch (Exception e)
        {
            LogStillFailing(e);
            Volatile.Write(ref _failure, new IOException(
                $"The log in '{DataDirectory}' still cannot be written ({e.Message}); the store takes no writes until it recovers.", e));
            recover.Done.TrySetResult(false);
        }
    }
}
