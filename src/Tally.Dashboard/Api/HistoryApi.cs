using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Dashboard.State;

namespace Tally.Dashboard.Api;

/// <summary><c>GET /api/history?video=V&amp;seconds=S</c>: the chart's history of video V over the last S seconds for
/// the cluster the dashboard watches now (sample times in Unix ms, one series of counts per node, counts as decimal
/// strings, null where a node did not answer).</summary>
public static class HistoryApi
{
    public static RouteGroupBuilder MapHistoryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/history").WithTags("History");
        group.MapGet("/", Get).WithName("CountHistory");
        return group;
    }

    static Results<Ok<CountHistory.Series>, ValidationProblem> Get(
        string? video, int? seconds, CountHistory history, DashboardUpdates updates, TimeProvider time, IOptions<DashboardOptions> options)
    {
        var errors = new Dictionary<string, string[]>();
        if (!VideoId.TryParse(video, out _))
        {
            errors["video"] = ["Give ?video= a video id: 1-128 characters from [A-Za-z0-9._~:-], starting with a letter or digit."];
        }
        var max = (int)options.Value.HistoryRetention.TotalSeconds;
        if (seconds is not null && (seconds < 1 || seconds > max))
        {
            errors["seconds"] = [$"Give ?seconds= from 1 to {max} (the history kept)."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var clusterId = updates.Build(video!, withTimeline: false).ClusterId;
        return TypedResults.Ok(history.Get(clusterId, video!, TimeSpan.FromSeconds(seconds ?? max), time.GetUtcNow()));
    }
}
