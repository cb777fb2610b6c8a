using Microsoft.Extensions.Options;
using Tally.Dashboard.Supervision;

namespace Tally.Dashboard.State;

/// <summary>Builds the current <see cref="DashboardUpdate"/> of a video from the registry, the latest polls and the
/// supervisor (if any).</summary>
public sealed class DashboardUpdates(
    NodeRegistry registry,
    ClusterState state,
    SupervisorAccess supervisor,
    TimeProvider time,
    IOptions<DashboardOptions> options)
{
    public DashboardUpdate Build(string videoId) => UpdateBuilder.Build(
        videoId,
        [.. registry.Urls.Select(state.Get)],
        registry.Partitioned,
        supervisor.Supervisor?.Nodes,
        time.GetUtcNow(),
        options.Value.TopVideosMax);
}

/// <summary>The supervisor when the dashboard runs inside <c>tally up</c>, null otherwise.</summary>
public sealed record SupervisorAccess(INodeSupervisor? Supervisor);
