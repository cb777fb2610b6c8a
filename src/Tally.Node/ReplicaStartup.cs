namespace Tally.Node;

/// <summary>Loads the replica before anything else starts: hosted services start in order and the server last, so
/// no request and no gossip round reaches a replica that is not loaded.</summary>
sealed class ReplicaStartup(ReplicaHost host) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
