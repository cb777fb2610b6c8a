using Microsoft.Extensions.Options;
using Tally.Dashboard.Supervision;

namespace Tally.Dashboard.State;

/// <summary>Builds the current <see cref="DashboardUpdate"/> of a video from the registry, the latest polls, the
/// supervisor (if any) and the timeline.</summary>
public sealed class DashboardUpdates(
    NodeRegistry registry,
    ClusterState state,
    SupervisorAccess supervisor,
    Timeline timeline,
    TimeProvider time,
    IOptions<DashboardOptions> options)
{
    /// <summary>Events sent with each update (the page shows them newest first).</summary>
    public const int TimelineSent = 100;

    public DashboardUpdate Build(string videoId, bool withTimeline = true)
    {
        var update = UpdateBuilder.Build(
            videoId,
            [.. registry.Urls.Select(state.Get)],
            registry.Partitioned,
            supervisor.Supervisor?.Nodes,
            time.GetUtcNow(),
            options.Value.TopVideosMax);
        return withTimeline ? update with { Timeline = timeline.Latest(TimelineSent) } : update;
    }
}

/// <summary>The supervisor when the dashboard runs inside <c>tally up</c>, null otherwise.</summary>
public sealed record SupervisorAccess(INodeSupervisor? Supervisor);
