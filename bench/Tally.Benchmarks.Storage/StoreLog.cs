using Microsoft.Extensions.Logging.Abstractions;
using Tally.Crdt;
using Tally.Storage;

namespace Tally.Benchmarks.Storage;

/// <summary>FileStateStore with its defaults (group commit), at the given durability.</summary>
sealed class StoreLog(Durability durability) : ILogUnderTest
{
    FileStateStore? _store;

    public string Name => durability == Durability.Fsync ? "FileStateStore, fsync" : "FileStateStore, no fsync";

    public long Fsyncs => _store!.Stats.Flushes;

    public async ValueTask OpenAsync(string directory)
    {
        _store = new FileStateStore(new StorageOptions { DataDirectory = directory, Durability = durability }, NullLogger<FileStateStore>.Instance);
        await _store.LoadAsync(CancellationToken.None);
    }

    public ValueTask AppendAsync(CounterMap delta) => _store!.AppendAsync(delta, CancellationToken.None);

    public ValueTask DisposeAsync() => _store!.DisposeAsync();
}
