using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary><c>POST /views</c>, the batch endpoint: many views of many videos in one request and one durable commit.</summary>
public static class ViewsApi
{
    public static RouteGroupBuilder MapViewsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/views").WithTags("Views");
        group.MapPost("/", RecordBatchAsync).WithName("RecordViews")
            .WithSummary("Count a batch of views ({\"views\":[{\"videoId\":\"v\",\"amount\":n}, ...]}) in one durable commit: all or nothing.")
            .WithDescription("At most Node:BatchViewsMax entries (default 10,000), each amount 1 to 1,000,000. Answers per distinct video. Idempotency-Key and the write level w work as for single views: retry to the same node.")
            .Accepts<BatchBody>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return group;
    }

    internal static async Task<Results<Ok<BatchResponse>, ValidationProblem, ProblemHttpResult>> RecordBatchAsync(
        HttpContext context, ReplicaExecutor replica, IOptions<NodeOptions> options, IOptions<ReplicaOptions> replicaOptions,
        [FromQuery(Name = "w"), Description(VideoViewsApi.WriteLevelText)] string? w, CancellationToken ct)
    {
        if (!Problems.TryLevel(w, "w", out var level, out var badLevel))
        {
            return badLevel!;
        }
        var body = await RequestBody.ReadJsonAsync(context.Request, NodeJsonContext.Strict.BatchBody, options.Value.BatchBodyBytesMax, ct).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }
        if (body.Value?.Views is not { Count: > 0 } views)
        {
            return Problems.Invalid("views", "The body must be {\"views\": [{\"videoId\": \"...\", \"amount\": n}, ...]} with at least one entry.");
        }
        if (views.Count > options.Value.BatchViewsMax)
        {
            return Problems.Invalid("views", $"A batch holds at most {options.Value.BatchViewsMax:N0} entries; got {views.Count:N0}.");
        }
        if (Validate(views) is { } invalid)
        {
            return invalid;
        }
        var items = Aggregate(views, out var total);
        var key = IdempotencyKeyHeader.Read(context.Request, replicaOptions, out var badKey);
        if (badKey is not null)
        {
            return badKey;
        }
        var answer = await replica.SubmitAsync(ViewRequest.Batch(items, key) with { Write = level }).ConfigureAwait(false);
        if (answer.Status != ViewStatus.Ok)
        {
            return Problems.For(answer, context);
        }
        // A retry gets the first answer's totals and the counts as of now (never lower than the first ones).
        IdempotencyKeyHeader.MarkReplayed(answer, context.Response);
        var results = new VideoSummary[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            results[i] = new VideoSummary(items[i].Video.Value, answer.Totals[i], answer.Counts[i]);
        }
        return TypedResults.Ok(new BatchResponse(replica.Name, replica.Id.Value, total, results,
            [.. answer.Acknowledged.Select(r => r.Value)]));
    }

    static ValidationProblem? Validate(IReadOnlyList<BatchEntry> views)
    {
        for (var i = 0; i < views.Count; i++)
        {
            if (views[i] is null)
            {
                return Problems.Invalid($"views[{i}]", $"'views[{i}]' is null; each entry is {{\"videoId\": \"...\", \"amount\": n}}.");
            }
            if (!VideoId.TryParse(views[i].VideoId, out _))
            {
                return Problems.InvalidVideo(views[i].VideoId, $"views[{i}].videoId");
            }
            if (views[i].Amount is < 1 or > Problems.AmountMax)
            {
                return Problems.InvalidAmount(views[i].Amount, $"views[{i}].amount");
            }
        }
        return null;
    }

    /// <summary>One item per distinct video, amounts added up, in first-seen order.</summary>
    static ViewItem[] Aggregate(IReadOnlyList<BatchEntry> views, out ulong total)
    {
        var index = new Dictionary<string, int>(views.Count, StringComparer.Ordinal);
        var items = new List<ViewItem>(views.Count);
        total = 0;
        foreach (var view in views)
        {
            var amount = (ulong)view.Amount;
            total += amount;
            if (index.TryGetValue(view.VideoId!, out var at))
            {
                items[at] = items[at] with { Amount = items[at].Amount + amount };
            }
            else
            {
                index.Add(view.VideoId!, items.Count);
                items.Add(new ViewItem(VideoId.Parse(view.VideoId!), amount));
            }
        }
        return [.. items];
    }
}
