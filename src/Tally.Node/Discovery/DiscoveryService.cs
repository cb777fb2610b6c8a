using Microsoft.Extensions.Options;

namespace Tally.Node;

/// <summary>With <see cref="DiscoveryOptions.PeersDns"/>, resolves the name every <see cref="DiscoveryOptions.Interval"/>
/// (a <see cref="PeriodicTimer"/> on the injected <see cref="TimeProvider"/>) and hands the seeds to the replica.
/// The first resolution happens in <see cref="ReplicaHost.StartAsync"/>, before the replica exists.</summary>
sealed class DiscoveryService(PeerDiscovery discovery, ReplicaHost host, IOptions<DiscoveryOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!discovery.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                host.ReplaceSeeds(await discovery.SeedsAsync(stoppingToken).ConfigureAwait(false));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
