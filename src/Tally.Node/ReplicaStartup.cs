namespace Tally.Node;

/// <summary>Loads the replica before anything else starts: hosted services start in order and the server last, so
/// no request and no gossip round reaches a replica that is not loaded. The replica starts with the configured peers
/// and what DNS discovery finds at that moment. The request keys storage loaded with the state are handed to the
/// <see cref="IdempotencyCache"/> before the first request, so a retry after a restart is answered from them.</summary>
sealed class ReplicaStartup(ReplicaHost host, PeerDiscovery discovery, IdempotencyCache idempotency) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await host.StartAsync(await discovery.SeedsAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        idempotency.Restore(host.Store.LoadedKeys);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
