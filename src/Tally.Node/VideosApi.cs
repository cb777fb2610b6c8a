using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary>The public API of videos: record views, raise this node's total (an operator action, behind the admin
/// token), read one video, list them.</summary>
public static class VideosApi
{
    public static RouteGroupBuilder MapVideosApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/videos").WithTags("Videos");
        group.MapPost("/{videoId}/views", RecordViewAsync).WithName("RecordView")
            .WithSummary("Count views of a video at this node; answered once they are durable.")
            .WithDescription("Body (optional): {\"amount\": n}, 1 to 1,000,000, default 1. With an Idempotency-Key header, a retry to the same node within its idempotency window (default 10 minutes, the newest 100,000 keys), also after a crash or restart, returns the first answer's total (and the current count, with header Idempotent-Replayed: true) and counts nothing. A retry sent to another node counts again: retry to the node named in the answer.")
            .Accepts<AmountBody>(isOptional: true, "application/json")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPut("/{videoId}/total", SetTotalAsync).WithName("SetTotal")
            .RequireAuthorization(NodeAuth.AdminPolicy)
            .WithSummary("Operator action (admin token): raise this node's entry for a video to a total (the seed's set_to).")
            .WithDescription("Requires 'Authorization: Bearer <admin token>'. Body: {\"total\": n}, n from 0 to 1,000,000,000,000,000 (10^15). Lower than the current entry, or a total that would make the video's count known here pass 10^15, is 409 and changes nothing. Every raise leaves room for more than 8 * 10^15 views, so it cannot stop a video from counting.")
            .Accepts<TotalBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{videoId}", GetVideo).WithName("GetVideo")
            .WithSummary("A video's total at this node, its network-wide count as known here, and every node's entry (zeros for an unknown video).");
        group.MapGet("/", ListVideos).WithName("ListVideos")
            .WithSummary("Videos in ordinal id order with their counts, a page at a time: ?limit= (default 100) and ?after= (the previous page's next).");
        return group;
    }

    internal static async Task<Results<Ok<ViewResponse>, ValidationProblem, ProblemHttpResult>> RecordViewAsync(
        string videoId, HttpContext context, ViewRecorder recorder, IdempotencyCache idempotency, ReplicaHost host,
        IOptions<NodeOptions> options, CancellationToken ct)
    {
        if (!VideoId.TryParse(videoId, out var video))
        {
            return Problems.InvalidVideo(videoId);
        }
        var body = await RequestBody.ReadJsonAsync(context.Request, NodeJsonContext.Strict.AmountBody, options.Value.SmallBodyBytesMax, ct).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }
        var amount = body.Value?.Amount ?? 1;
        if (amount is < 1 or > Problems.AmountMax)
        {
            return Problems.InvalidAmount(amount);
        }
        var admission = idempotency.Admit(context.Request, Fingerprints.Of(ViewRequest.Add(video, (ulong)amount)),
            PendingView.Add(video, (ulong)amount), recorder.Submit);
        if (admission.Problem is { } refused)
        {
            return refused;
        }
        var pending = admission.View!;
        await pending.Completion.ConfigureAwait(false);
        if (pending.Status != ViewStatus.Ok)
        {
            return Problems.For(pending, context);
        }
        // A retry gets the first answer's total and the count as of now (never lower than the first one's).
        var count = admission.Replayed ? host.Counts([video], context.Response)[0] : pending.Count;
        return TypedResults.Ok(new ViewResponse(video.Value, host.Name, host.Id.Value, pending.Total, count));
    }

    internal static async Task<Results<Ok<ViewResponse>, ValidationProblem, ProblemHttpResult>> SetTotalAsync(
        string videoId, HttpContext context, ViewRecorder recorder, ReplicaHost host, IOptions<NodeOptions> options, CancellationToken ct)
    {
        if (!VideoId.TryParse(videoId, out var video))
        {
            return Problems.InvalidVideo(videoId);
        }
        var body = await RequestBody.ReadJsonAsync(context.Request, NodeJsonContext.Strict.TotalBody, options.Value.SmallBodyBytesMax, ct).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }
        if (body.Value is not { } total || total.Total > GCounter.SetMax)
        {
            return Problems.Invalid("total", $"The body must be {{\"total\": n}} with n a whole number from 0 to {GCounter.SetMax} (10^15).");
        }
        var pending = recorder.Submit(PendingView.Raise(video, total.Total));
        await pending.Completion.ConfigureAwait(false);
        return pending.Status == ViewStatus.Ok
            ? TypedResults.Ok(new ViewResponse(video.Value, host.Name, host.Id.Value, pending.Total, pending.Count))
            : Problems.For(pending, context);
    }

    internal static Results<Ok<VideoResponse>, ValidationProblem> GetVideo(string videoId, ReplicaHost host)
    {
        if (!VideoId.TryParse(videoId, out var video))
        {
            return Problems.InvalidVideo(videoId);
        }
        GCounter counter;
        lock (host.Sync)
        {
            counter = host.Node.State.Get(video);
        }
        var replicas = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        var names = new SortedDictionary<string, UInt128>(StringComparer.Ordinal);
        foreach (var (replica, entry) in counter.Entries)
        {
            replicas[replica.Value] = entry;
            names[replica.Name] = names.GetValueOrDefault(replica.Name) + entry; // a part of the video's sum: cannot wrap
        }
        return TypedResults.Ok(new VideoResponse(video.Value, host.Name, host.Id.Value, counter.EntryOf(host.Id), counter.Value, replicas, names));
    }

    internal static Results<Ok<VideoPage>, ValidationProblem> ListVideos(string? limit, string? after, ReplicaHost host, IOptions<NodeOptions> options)
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
        var videos = new List<VideoSummary>(Math.Min(take, 1024));
        bool more;
        int known;
        lock (host.Sync)
        {
            var node = host.Node;
            (var ids, more) = host.Index.Page(after, take);
            foreach (var id in ids)
            {
                var video = VideoId.Parse(id);
                videos.Add(new VideoSummary(id, node.Total(video), node.Count(video)));
            }
            known = host.Index.Count;
        }
        return TypedResults.Ok(new VideoPage(host.Name, known, videos, more && videos.Count > 0 ? videos[^1].VideoId : null));
    }
}
