using Microsoft.Extensions.Options;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Drives the core's clock: every <see cref="ReplicationOptions.GossipInterval"/> (a
/// <see cref="PeriodicTimer"/> on the injected <see cref="TimeProvider"/>) it runs one round under the replica lock,
/// hands the messages to <see cref="GossipSender"/> without waiting for them, asks for a snapshot when the log has
/// grown, and ends a graceful leave once a live peer has acknowledged everything.</summary>
public sealed partial class GossipService(
    ReplicaHost host,
    GossipSender sender,
    PersistQueue persist,
    IOptions<ReplicationOptions> replicationOptions,
    IOptions<NodeOptions> nodeOptions,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<GossipService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(replicationOptions.Value.GossipInterval, time);
        DateTimeOffset? leaveStarted = null;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var (effects, durable) = host.Tick();
                if (await IsDurableAsync(durable).ConfigureAwait(false))
                {
                    sender.Send(effects.Messages);
                }
                if (host.SnapshotDue(host.VideoCount()))
                {
                    persist.RequestSnapshot();
                }
                if (host.Phase == NodePhase.Leaving)
                {
                    leaveStarted ??= time.GetUtcNow();
                    if (host.LeaveComplete())
                    {
                        Log.LeaveComplete(logger, host.Name);
                        lifetime.StopApplication();
                        return;
                    }
                    if (time.GetUtcNow() - leaveStarted > nodeOptions.Value.LeaveTimeout)
                    {
                        Log.LeaveTimedOut(logger, host.Name, nodeOptions.Value.LeaveTimeout);
                        lifetime.StopApplication();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Waits until the merges the round's messages acknowledge are on disk. If storage failed, the round is
    /// skipped: sending would acknowledge what the disk does not hold.</summary>
    async Task<bool> IsDurableAsync(Task durable)
    {
        try
        {
            await durable.ConfigureAwait(false);
            return true;
        }
        catch (Exception e)
        {
            Log.RoundSkipped(logger, e);
            return false;
        }
    }

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Gossip round skipped: merged state could not be stored, so it must not be acknowledged")]
        public static partial void RoundSkipped(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} left: a live peer acknowledged all its state; stopping")]
        public static partial void LeaveComplete(ILogger logger, string nodeId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} stops leaving after {Timeout}: no live peer acknowledged all its state; its data stays on its disk, restart it to hand it over")]
        public static partial void LeaveTimedOut(ILogger logger, string nodeId, TimeSpan timeout);
    }
}
