using Microsoft.AspNetCore.Http.HttpResults;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Every error the API answers, as ProblemDetails with a message that says what to fix.</summary>
static class Problems
{
    public const long AmountMax = 1_000_000;

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message,
            title: "The request is invalid");

    public static ValidationProblem InvalidVideo(string? videoId, string field = "videoId") => Invalid(field,
        $"{(field == "videoId" ? "" : $"'{field}': ")}Invalid video id '{Shorten(videoId)}': use 1-{VideoId.MaxLength} characters from [A-Za-z0-9._~:-], starting with a letter or digit.");

    public static ValidationProblem InvalidAmount(long amount, string field = "amount") => Invalid(field,
        $"'{field}' must be a whole number from 1 to {AmountMax:N0}; got {amount}.");

    public static ProblemHttpResult MalformedJson(string message) => TypedResults.Problem(
        $"The body is not valid JSON of the expected shape: {message}", statusCode: StatusCodes.Status400BadRequest,
        title: "Malformed JSON");

    public static ProblemHttpResult TooLarge(long maxBytes) => TypedResults.Problem(
        $"The body is larger than this route's limit of {maxBytes:N0} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Body too large");

    public static ProblemHttpResult UnsupportedMediaType(string? contentType, string expected) => TypedResults.Problem(
        UnsupportedMediaTypeDetail(contentType, expected), statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported media type");

    /// <summary>What to send instead: names the type this route takes and the one the request had (or that it had none).</summary>
    public static string UnsupportedMediaTypeDetail(string? contentType, string expected) => string.IsNullOrEmpty(contentType)
        ? $"The body has no Content-Type; send it with 'Content-Type: {expected}'."
        : $"This route takes {expected}; the body was sent as '{Shorten(contentType)}'.";

    public static ProblemHttpResult BadIdempotencyKey() => TypedResults.Problem(
        $"The {IdempotencyKeyHeader.Name} header must be 1-{IdempotencyRecord.KeyLengthMax} visible ASCII characters.",
        statusCode: StatusCodes.Status400BadRequest, title: "Invalid Idempotency-Key");

    /// <summary>The answer for a view request the replica did not count (<see cref="ViewAnswer.Refused"/>, or a
    /// final refusal by the data).</summary>
    public static ProblemHttpResult For(ViewAnswer answer, HttpContext context) => answer.Status switch
    {
        ViewStatus.Leaving => Unavailable(context, "Leaving",
            "The node is leaving the cluster and takes no more views; send them to another node."),
        ViewStatus.Busy => Unavailable(context, "Busy", "Too many views are waiting for the disk; retry shortly."),
        ViewStatus.Stopped => Unavailable(context, "Shutting down", "The node is stopping; send views to another node."),
        ViewStatus.StorageFailed => Unavailable(context, "Storage unavailable",
            $"The node cannot write to its disk now, so nothing was counted: {answer.Detail} It takes views again by itself once the disk has room; retry shortly (with the same Idempotency-Key), or send the views to another node."),
        ViewStatus.Regression => TypedResults.Problem($"{answer.Detail} A node's total only grows.",
            statusCode: StatusCodes.Status409Conflict, title: "Total is lower than the current one"),
        ViewStatus.Overflow => TypedResults.Problem($"{answer.Detail} Nothing was counted.",
            statusCode: StatusCodes.Status409Conflict, title: "Past the largest count"),
        ViewStatus.KeyConflict => TypedResults.Problem(
            $"This {IdempotencyKeyHeader.Name} was already used for a different request; use a new key for a new request.",
            statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused"),
        ViewStatus.Unconfirmed => Unconfirmed(answer),
        ViewStatus.LevelUnreachable => TypedResults.Problem($"{answer.Detail} Nothing was counted; ask a lower w.",
            statusCode: StatusCodes.Status400BadRequest, title: "Write level unreachable"),
        _ => throw new InvalidOperationException($"No problem for status {answer.Status}."),
    };

    /// <summary>504 for a write counted here that fewer replicas than its level acknowledged in time: the views ARE
    /// counted (durable on this node's disk, answered again to a retry with the same key) and keep spreading.</summary>
    static ProblemHttpResult Unconfirmed(ViewAnswer answer) => TypedResults.Problem(
        $"The views are counted on this node (durable on its disk) but not yet confirmed by enough replicas: {answer.Detail} They keep spreading by gossip; the outcome is indeterminate, not lost. Do not resend them without the same Idempotency-Key to this node (that would count them again); a retry with the key waits for the level again and counts nothing.",
        statusCode: StatusCodes.Status504GatewayTimeout, title: "Counted locally, not yet confirmed",
        extensions: new Dictionary<string, object?>
        {
            ["counted"] = true,
            ["acknowledged"] = answer.Acknowledged.Count,
            ["acknowledgedBy"] = answer.Acknowledged.Select(r => r.Value).ToArray(),
            ["required"] = answer.Required,
        });

    /// <summary>504 for a read above <c>r=1</c> that fewer replicas than its level answered in time.</summary>
    public static ProblemHttpResult ReadTimedOut(ConsistencyLevel level, int required, IReadOnlyList<string> answeredBy, TimeSpan timeout) =>
        TypedResults.Problem(
            $"r={level} needs {required} replicas, but {answeredBy.Count} answered within {timeout.TotalSeconds:0.###} s (the others are down, cut off or slow). Retry, or read at a lower r.",
            statusCode: StatusCodes.Status504GatewayTimeout, title: "Read level not reached",
            extensions: new Dictionary<string, object?>
            {
                ["answered"] = answeredBy.Count,
                ["answeredBy"] = answeredBy.ToArray(),
                ["required"] = required,
            });

    /// <summary>Reads the <c>w</c> or <c>r</c> query parameter: 1..1000, <c>majority</c> or <c>all</c>; absent is 1.</summary>
    public static bool TryLevel(string? text, string name, out ConsistencyLevel level, out ValidationProblem? problem)
    {
        problem = null;
        if (ConsistencyLevel.TryParse(text, out level))
        {
            return true;
        }
        problem = Invalid(name, $"'{name}' must be a whole number from 1 to {ConsistencyLevel.CountMax}, 'majority' or 'all'; got '{Shorten(text)}'.");
        return false;
    }

    static ProblemHttpResult Unavailable(HttpContext context, string title, string detail)
    {
        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: title);
    }

    static string Shorten(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..80] + "...";
}
