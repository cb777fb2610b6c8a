using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Dashboard.Json;
using Tally.Dashboard.State;

namespace Tally.Dashboard.Api;

/// <summary><c>GET /api/events?video=V</c>: a Server-Sent Events stream with one <c>update</c> event per push interval
/// for video V. The browser's EventSource reconnects by itself (the stream sets a 1 s retry).</summary>
public static class EventsApi
{
    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/events").WithTags("Events");
        group.MapGet("/", Stream).WithName("DashboardEvents");
        return group;
    }

    static Results<ServerSentEventsResult<string>, ValidationProblem, ProblemHttpResult> Stream(
        string? video,
        HttpContext context,
        WatchedVideos watched,
        DashboardUpdates updates,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        IOptions<DashboardOptions> options)
    {
        if (!VideoId.TryParse(video, out _))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["video"] = ["Give ?video= a video id: 1-128 characters from [A-Za-z0-9._~:-], starting with a letter or digit."],
            });
        }
        var watch = watched.Watch(video);
        if (watch is null)
        {
            return TypedResults.Problem(
                $"The dashboard already follows {options.Value.WatchedVideosMax} different videos; close a page or pick one of those.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many videos watched");
        }
        context.Response.RegisterForDispose(watch);
        // End the stream when the page goes away or the dashboard shuts down (an open stream would hold up shutdown).
        var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.RegisterForDispose(done);
        return TypedResults.ServerSentEvents(UpdatesAsync(video, updates, time, options.Value.PushInterval, done.Token));
    }

    static async IAsyncEnumerable<SseItem<string>> UpdatesAsync(
        string videoId,
        DashboardUpdates updates,
        TimeProvider time,
        TimeSpan interval,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, time);
        var more = true;
        while (more)
        {
            var json = JsonSerializer.Serialize(updates.Build(videoId), DashboardJson.Options);
            yield return new SseItem<string>(json, "update") { ReconnectionInterval = TimeSpan.FromSeconds(1) };
            try
            {
                more = await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                more = false;
            }
        }
    }
}
