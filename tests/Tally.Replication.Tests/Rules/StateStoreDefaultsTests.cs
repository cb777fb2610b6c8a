using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>What <see cref="IStateStore"/> gives a store that implements only what it must.</summary>
public class StateStoreDefaultsTests
{
    /// <summary>A store that records its calls and implements none of the interface's defaults.</summary>
    sealed class MinimalStore : IStateStore
    {
        public List<string> Calls { get; } = [];
        public IReadOnlyList<IdempotencyRecord> LoadedKeys => [];
        public string? Unavailable => null;

        public ValueTask<CounterMap?> LoadAsync(CancellationToken ct) => ValueTask.FromResult<CounterMap?>(null);

        public ValueTask AppendAsync(CounterMap delta, IReadOnlyList<IdempotencyRecord> keys, CancellationToken ct)
        {
            Calls.Add($"append {delta.Count} videos, {keys.Count} keys");
            return ValueTask.CompletedTask;
        }

        public ValueTask SnapshotAsync(CounterMap state, KeyRetention keys, CancellationToken ct)
        {
            Calls.Add($"snapshot {state.Count} videos");
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> TryRecoverAsync(CancellationToken ct) => ValueTask.FromResult(true);
    }

    [Fact]
    public void SnapshotDue_IsFalse_ForAStoreThatCannotTell()
    {
        IStateStore store = new MinimalStore();
        Assert.False(store.SnapshotDue, "a store that cannot tell leaves snapshots to the replica's own row count");
    }

    [Fact]
    public async Task DefaultMethods_CallTheStoresOwnAppendAndSnapshot()
    {
        var minimal = new MinimalStore();
        IStateStore store = minimal;
        var state = CounterMap.Single(VideoId.Parse("v"), ReplicaId.Parse("n1"), 1);
        await store.AppendAsync(state, TestContext.Current.CancellationToken);
        await store.SnapshotOwnedAsync(state, KeyRetention.None, TestContext.Current.CancellationToken);
        Assert.Equal(["append 1 videos, 0 keys", "snapshot 1 videos"], minimal.Calls);
    }
}
