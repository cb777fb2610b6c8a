using Microsoft.Extensions.Options;
using Tally.Crdt;

namespace Tally.Node;

/// <summary>Brings the node back when its store fails (disk full, I/O error): every
/// <see cref="NodeOptions.StorageProbeInterval"/> while <see cref="Replication.IStateStore.Unavailable"/> says why
/// appends fail, it holds every commit slot (so no own batch built on a failed one can be written afterwards) and asks
/// the store to recover. Once it has, views are taken again and the merged deltas whose append failed are appended
/// before any message acknowledges them (<see cref="PersistQueue"/>).</summary>
public sealed partial class StorageProbe(
    ReplicaHost host, MergeJournal journal, IOptions<NodeOptions> options, TimeProvider time, ILogger<StorageProbe> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StorageProbeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (host.Store.Unavailable is { } reason)
                {
                    await ProbeAsync(reason, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One recovery attempt; true when the store takes appends again.</summary>
    internal async Task<bool> ProbeAsync(string reason, CancellationToken ct)
    {
        bool recovered;
        await using (await host.Commits.ExclusiveAsync(ct).ConfigureAwait(false))
        {
            try
            {
                recovered = await host.Store.TryRecoverAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.ProbeFailed(logger, e);
                return false;
            }
        }
        if (recovered)
        {
            lock (host.Sync)
            {
                journal.Add(new CounterMap()); // wakes the appender: what failed to append is appended now
            }
            Log.Recovered(logger, host.Id.Value, reason);
        }
        return recovered;
    }

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} can write to its disk again and takes views (it could not: {Reason})")]
        public static partial void Recovered(ILogger logger, string nodeId, string reason);

        [LoggerMessage(Level = LogLevel.Error, Message = "Probing the store failed")]
        public static partial void ProbeFailed(ILogger logger, Exception exception);
    }
}
