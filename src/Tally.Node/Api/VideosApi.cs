using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tally.Crdt;

namespace Tally.Node;

/// <summary>Reading videos: <c>GET /videos/{videoId}</c> (one video) and <c>GET /videos</c> (a page of them).
/// Counting is <see cref="VideoViewsApi"/>, raising a total <see cref="VideoTotalApi"/>.</summary>
public static class VideosApi
{
    public static RouteGroupBuilder MapVideosApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/videos").WithTags("Videos");
        group.MapGet("/{videoId}", GetVideo).WithName("GetVideo")
            .WithSummary("A video's total at this node, its network-wide count as known here, and every node's entry (zeros for an unknown video).");
        group.MapGet("/", ListVideos).WithName("ListVideos")
            .WithSummary("Videos in ordinal id order with their counts, a page at a time: ?limit= (default 100) and ?after= (the previous page's next).");
        return group;
    }

    internal static Results<Ok<VideoResponse>, ValidationProblem> GetVideo(string videoId, ReplicaExecutor replica)
    {
        if (!VideoId.TryParse(videoId, out var video))
        {
            return Problems.InvalidVideo(videoId);
        }
        var counter = replica.Read(video);
        var replicas = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        var names = new SortedDictionary<string, UInt128>(StringComparer.Ordinal);
        foreach (var (id, entry) in counter.Entries)
        {
            replicas[id.Value] = entry;
            names[id.Name] = names.GetValueOrDefault(id.Name) + entry; // a sum of entries, as the count
        }
        return TypedResults.Ok(new VideoResponse(video.Value, replica.Name, replica.Id.Value, counter.EntryOf(replica.Id), counter.Value, replicas, names));
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
