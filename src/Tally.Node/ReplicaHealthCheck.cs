using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tally.Node;

/// <summary>Ready only when the node takes views: loaded and, if it started empty, recovered from its peers, and its
/// store can write (not while the disk is full or failing).</summary>
sealed class ReplicaHealthCheck(ReplicaHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(host.Phase == NodePhase.Ready && host.Store.Unavailable is { } reason
            ? HealthCheckResult.Unhealthy($"Storage unavailable, views are refused until it can write again: {reason}")
            : host.Phase switch
        {
            NodePhase.Ready => HealthCheckResult.Healthy("Taking views."),
            NodePhase.Recovering => HealthCheckResult.Unhealthy("Recovering its state from peers (started with an empty disk)."),
            NodePhase.Leaving => HealthCheckResult.Unhealthy("Leaving the cluster."),
            _ => HealthCheckResult.Unhealthy("Loading its state."),
        });
}
