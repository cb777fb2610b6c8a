namespace Tally.Node;

/// <summary>Own-view commits in flight: each holds one slot from preparing its batch until the batch is applied (or
/// failed); <see cref="ExclusiveAsync"/> takes every slot, so no batch is between disk and memory while it is held.</summary>
sealed class CommitSlots(int count) : IDisposable
{
    readonly SemaphoreSlim _slots = new(count, count);
    readonly SemaphoreSlim _exclusive = new(1, 1);

    public int Count => count;

    public Task EnterAsync(CancellationToken ct) => _slots.WaitAsync(ct);

    public void Exit() => _slots.Release();

    /// <summary>Waits for the commits in flight and keeps new ones out until the result is disposed.</summary>
    public async Task<IAsyncDisposable> ExclusiveAsync(CancellationToken ct)
    {
        await _exclusive.WaitAsync(ct).ConfigureAwait(false);
        var taken = 0;
        try
        {
            for (; taken < count; taken++)
            {
                await _slots.WaitAsync(ct).ConfigureAwait(false);
            }
            return new Release(this);
        }
        catch
        {
            if (taken > 0)
            {
                _slots.Release(taken);
            }
            _exclusive.Release();
            throw;
        }
    }

    public void Dispose()
    {
        _slots.Dispose();
        _exclusive.Dispose();
    }

    sealed class Release(CommitSlots slots) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            slots._slots.Release(slots.Count);
            slots._exclusive.Release();
            return ValueTask.CompletedTask;
        }
    }
}
