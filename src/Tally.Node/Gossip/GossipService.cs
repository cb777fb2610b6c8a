using Microsoft.Extensions.Options;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Drives the replica's clock: every <see cref="ReplicationOptions.GossipInterval"/> (a
/// <see cref="PeriodicTimer"/> on the injected <see cref="TimeProvider"/>) it gives the replica one round; the
/// executor sends what the round releases.</summary>
public sealed class GossipService(ReplicaExecutor replica, IOptions<ReplicationOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.GossipInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                replica.Tick();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
