using Microsoft.Extensions.Options;

namespace Tally.Node;

/// <summary>Brings the node back when its store fails (disk full, I/O error): every
/// <see cref="NodeOptions.StorageProbeInterval"/> while <see cref="Replication.IStateStore.Unavailable"/> says why
/// appends fail, it asks the store to recover (<see cref="ReplicaExecutor.TryRecoverStorageAsync"/>). Meanwhile views
/// are answered 503 and merged deltas wait in memory; once the store writes again, the replica appends them before any
/// message acknowledges them.</summary>
public sealed class StorageProbe(ReplicaExecutor replica, IOptions<NodeOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StorageProbeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (replica.StorageUnavailable is not null)
                {
                    await replica.TryRecoverStorageAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
