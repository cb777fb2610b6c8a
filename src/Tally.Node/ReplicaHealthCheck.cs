using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tally.Node;

/// <summary>Ready (200) when the node takes views: loaded, not leaving, and its store can write (not while the disk is
/// full or failing: 503 with the reason). Degraded (still 200: it takes views, and each process counts under its own
/// replica id, so nothing is lost) while another live replica uses this node's name, so the operator sees that two
/// processes run as one name.</summary>
sealed class ReplicaHealthCheck(ReplicaHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(host.Phase == NodePhase.Ready && host.Store.Unavailable is { } reason
            ? HealthCheckResult.Unhealthy($"Storage unavailable, views are refused until it can write again: {reason}")
            : host.Phase switch
        {
            NodePhase.Ready when host.OwnNameConflict() => HealthCheckResult.Degraded(
                $"Taking views, but another live replica also uses the name '{host.Name}' (GET /cluster shows it): give each process its own --id."),
            NodePhase.Ready => HealthCheckResult.Healthy("Taking views."),
            NodePhase.Leaving => HealthCheckResult.Unhealthy("Leaving the cluster."),
            _ => HealthCheckResult.Unhealthy("Loading its state."),
        });
}
