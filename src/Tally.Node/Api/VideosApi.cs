using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Reading videos: <c>GET /videos/{videoId}</c> (one video) and <c>GET /videos</c> (a page of them).
/// Counting is <see cref="VideoViewsApi"/>, raising a total <see cref="VideoTotalApi"/>.</summary>
public static class VideosApi
{
    public static RouteGroupBuilder MapVideosApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/videos").WithTags("Videos");
        group.MapGet("/{videoId}", GetVideoAsync).WithName("GetVideo")
            .WithSummary("A video's total at this node, its network-wide count as known here, and every node's entry (zeros for an unknown video).")
            .WithDescription("Query r (read level): 1 (default: this node's state), a number, majority or all: that many replicas (this one included) are asked and their entries merged (per-entry maximum) before the answer; answeredBy lists them. A majority read after a majority write includes it. Fewer answers within Node:LevelTimeout: 504. A number above the replicas this node counts is 400.")
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        group.MapGet("/", ListVideos).WithName("ListVideos")
            .WithSummary("Videos in ordinal id order with their counts, a page at a time: ?limit= (default 100) and ?after= (the previous page's next).");
        return group;
    }

    internal static async Task<Results<Ok<VideoResponse>, ValidationProblem, ProblemHttpResult>> GetVideoAsync(
        string videoId, ReplicaExecutor replica, PeerReader reader, IOptions<ReplicaOptions> replicaOptions,
        [FromQuery(Name = "r"), Description("Read level: 1 (default), a number of replicas, 'majority' or 'all' of the replicas this node counts; their entries are merged before the answer.")] string? r,
        CancellationToken ct)
    {
        if (!VideoId.TryParse(videoId, out var video))
        {
            return Problems.InvalidVideo(videoId);
        }
        if (!Problems.TryLevel(r, "r", out var level, out var badLevel))
        {
            return badLevel!;
        }
        List<string> answeredBy = [replica.Id.Value];
        if (!level.IsLocal)
        {
            if (replica.PlanRead(level) is not { } plan)
            {
                return Problems.Invalid("r", $"r={level} names more replicas than the {replica.LevelMembers} this node counts (itself, the members that have not left, and peers not yet heard from).");
            }
            var others = await reader.ReadAsync(video, plan, ct).ConfigureAwait(false);
            answeredBy.AddRange(others.Select(o => o.Value));
            if (others.Count < plan.Others)
            {
                return Problems.ReadTimedOut(level, plan.Others + 1, answeredBy, replicaOptions.Value.LevelTimeout);
            }
        }
        var counter = replica.Read(video); // after the answers were merged into this node's state
        var replicas = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        var names = new SortedDictionary<string, UInt128>(StringComparer.Ordinal);
        foreach (var (id, entry) in counter.Entries)
        {
            replicas[id.Value] = entry;
            names[id.Name] = names.GetValueOrDefault(id.Name) + entry; // a sum of entries, as the count
        }
        return TypedResults.Ok(new VideoResponse(video.Value, replica.Name, replica.Id.Value, counter.EntryOf(replica.Id), counter.Value,
            replicas, names, answeredBy));
    }

    internal static Results<Ok<VideoPage>, ValidationProblem> ListVideos(string? limit, string? after, ReplicaExecutor replica, IOptions<NodeOptions> options)
    {
        var max = options.Value.PageLimitMax;
        var take = 100;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1 || take > max))
        {
            return Problems.Invalid("limit", $"'limit' must be a whole number from 1 to {max}; got '{limit}'.");
        }
        if (after is not null && !VideoId.TryParse(after, out _))
        {
            return Problems.InvalidVideo(after, "after");
        }
        var (page, more, known) = replica.Page(after, take);
        var videos = page.Select(v => new VideoSummary(v.Video.Value, v.Total, v.Count)).ToList();
        return TypedResults.Ok(new VideoPage(replica.Name, known, videos, more && videos.Count > 0 ? videos[^1].VideoId : null));
    }
}
