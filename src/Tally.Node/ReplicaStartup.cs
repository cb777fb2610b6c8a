namespace Tally.Node;

/// <summary>Loads the replica before anything else starts: hosted services start in order and the server last, so
/// no request and no gossip round reaches a replica that is not loaded. The replica starts with the configured peers
/// and what DNS discovery finds at that moment.</summary>
sealed class ReplicaStartup(ReplicaHost host, PeerDiscovery discovery) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) =>
        await host.StartAsync(await discovery.SeedsAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
