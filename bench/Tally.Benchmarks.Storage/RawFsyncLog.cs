using Tally.Crdt;
using Tally.Storage.Format;

namespace Tally.Benchmarks.Storage;

/// <summary>The baseline: the same record bytes, one write and one fsync per append, under a lock (no batching).</summary>
sealed class RawFsyncLog : ILogUnderTest
{
    readonly SemaphoreSlim _lock = new(1, 1);
    FileStream? _file;
    long _fsyncs;

    public string Name => "baseline: write+fsync per append";

    public long Fsyncs => Interlocked.Read(ref _fsyncs);

    public ValueTask OpenAsync(string directory)
    {
        _file = new FileStream(Path.Combine(directory, "raw.log"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        return ValueTask.CompletedTask;
    }

    public async ValueTask AppendAsync(CounterMap delta)
    {
        var record = RecordFrame.Encode(delta);
        await _lock.WaitAsync();
        try
        {
            // Blocking I/O on a pool thread, as async code does it. (Run inline in a tight loop, fsync measured 5-10x
            // slower on the benchmark VM: a scheduling effect, not a property of either design. See docs/benchmarks.md.)
            await Task.Run(() =>
            {
                _file!.Write(record.Span);
                _file.Flush(flushToDisk: true);
            });
            Interlocked.Increment(ref _fsyncs);
        }
        finally
        {
            _lock.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _file!.Dispose();
        _lock.Dispose();
        return ValueTask.CompletedTask;
    }
}
