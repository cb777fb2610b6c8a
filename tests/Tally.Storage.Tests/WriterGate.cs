namespace Tally.Storage.Tests;

/// <summary>Holds the store's writer before it drains the queue until <see cref="Open"/> (or dispose, so a failed
/// assertion cannot leave the store's dispose waiting forever): what is queued meanwhile waits, in order.</summary>
sealed class WriterGate : IDisposable
{
    readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WriterGate(FileStateStore store) => store.BeforeBatchAsync = () => _open.Task;

    public void Open() => _open.TrySetResult();

    public void Dispose() => Open();
}
