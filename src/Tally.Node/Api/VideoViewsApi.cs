using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary><c>POST /videos/{videoId}/views</c>: count views of one video at this node.</summary>
public static class VideoViewsApi
{
    public static RouteHandlerBuilder MapVideoViewsApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/videos/{videoId}/views", RecordViewAsync).WithTags("Videos").WithName("RecordView")
            .WithSummary("Count views of a video at this node; answered once they are durable.")
            .WithDescription("Body (optional): {\"amount\": n}, 1 to 1,000,000, default 1. With an Idempotency-Key header, a retry to the same node within its idempotency window (default 10 minutes, the newest 100,000 keys), also after a crash or restart, returns the first answer's total (and the current count, with header Idempotent-Replayed: true) and counts nothing. A retry sent to another node counts again: retry to the node named in the answer. Query w (write level): 1 (default), a number, majority or all; the answer waits until that many replicas (this one included) hold the views durably (acknowledgedBy), else 504 after Node:LevelTimeout: the views are counted here and keep spreading (indeterminate, not lost). A number above the replicas this node counts is 400.")
            .Accepts<AmountBody>(isOptional: true, "application/json")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);

    /// <summary>The OpenAPI text of the <c>w</c> query parameter, for both view routes.</summary>
    internal const string WriteLevelText = "Write level: 1 (default: this node's disk), a number of replicas, 'majority' or 'all' of the replicas this node counts (itself, members that have not left, peers not heard from yet). 200 once that many hold the views durably; 504 (counted here, not yet confirmed) after Node:LevelTimeout.";

    internal static async Task<Results<Ok<ViewResponse>, ValidationProblem, ProblemHttpResult>> RecordViewAsync(
        string videoId, HttpContext context, ReplicaExecutor replica, IOptions<NodeOptions> options,
        IOptions<ReplicaOptions> replicaOptions, [FromQuery(Name = "w"), Description(WriteLevelText)] string? w, CancellationToken ct)
    {
        if (!VideoId.TryParse(videoId, out var video))
        {
            return Problems.InvalidVideo(videoId);
        }
        if (!Problems.TryLevel(w, "w", out var level, out var badLevel))
        {
            return badLevel!;
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
        var key = IdempotencyKeyHeader.Read(context.Request, replicaOptions, out var badKey);
        if (badKey is not null)
        {
            return badKey;
        }
        var answer = await replica.SubmitAsync(ViewRequest.Add(video, (ulong)amount, key) with { Write = level }).ConfigureAwait(false);
        if (answer.Status != ViewStatus.Ok)
        {
            return Problems.For(answer, context);
        }
        // A retry gets the first answer's total and the count as of now (never lower than the first one's).
        IdempotencyKeyHeader.MarkReplayed(answer, context.Response);
        return TypedResults.Ok(new ViewResponse(video.Value, replica.Name, replica.Id.Value, answer.Totals[0], answer.Counts[0],
            [.. answer.Acknowledged.Select(r => r.Value)]));
    }
}
