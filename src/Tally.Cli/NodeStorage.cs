using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Cli;

/// <summary>Chooses the node's storage. Temporary: an in-memory store until Tally.Storage's FileStateStore lands.</summary>
static class NodeStorage
{
    public static void Add(WebApplicationBuilder builder) => builder.Services.AddSingleton<IStateStore, VolatileStateStore>();

    sealed class VolatileStateStore : IStateStore
    {
        public ValueTask<CounterMap?> LoadAsync(CancellationToken ct) => ValueTask.FromResult<CounterMap?>(null);

        public ValueTask AppendAsync(CounterMap delta, CancellationToken ct) => ValueTask.CompletedTask;

        public ValueTask SnapshotAsync(CounterMap state, CancellationToken ct) => ValueTask.CompletedTask;
    }
}
