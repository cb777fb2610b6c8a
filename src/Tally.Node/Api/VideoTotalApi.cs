using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary><c>PUT /videos/{videoId}/total</c>: raise this node's entry for a video to a total (the seed's set_to), an
/// operator action behind the admin token.</summary>
public static class VideoTotalApi
{
    public static RouteHandlerBuilder MapVideoTotalApi(this IEndpointRouteBuilder app) =>
        app.MapPut("/videos/{videoId}/total", SetTotalAsync).WithTags("Videos").WithName("SetTotal")
            .RequireAuthorization(NodeAuth.AdminPolicy)
            .WithSummary("Operator action (admin token): raise this node's entry for a video to a total (the seed's set_to).")
            .WithDescription("Requires 'Authorization: Bearer <admin token>'. Body: {\"total\": n}, n from 0 to 1,000,000,000,000,000 (10^15). Lower than the current entry, or a total that would make the video's count known here pass 10^15, is 409 and changes nothing. Every raise leaves room for more than 8 * 10^15 views, so it cannot stop a video from counting.")
            .Accepts<TotalBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    internal static async Task<Results<Ok<ViewResponse>, ValidationProblem, ProblemHttpResult>> SetTotalAsync(
        string videoId, HttpContext context, ReplicaExecutor replica, IOptions<NodeOptions> options, CancellationToken ct)
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
        var answer = await replica.SubmitAsync(ViewRequest.Raise(video, total.Total)).ConfigureAwait(false);
        return answer.Status == ViewStatus.Ok
            ? TypedResults.Ok(new ViewResponse(video.Value, replica.Name, replica.Id.Value, answer.Totals[0], answer.Counts[0],
                [.. answer.Acknowledged.Select(r => r.Value)]))
            : Problems.For(answer, context);
    }
}
