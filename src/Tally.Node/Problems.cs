using Microsoft.AspNetCore.Http.HttpResults;
using Tally.Crdt;

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
        $"The {IdempotencyCache.HeaderName} header must be 1-{IdempotencyCache.KeyLengthMax} visible ASCII characters.",
        statusCode: StatusCodes.Status400BadRequest, title: "Invalid Idempotency-Key");

    public static ProblemHttpResult IdempotencyKeyReused() => TypedResults.Problem(
        $"This {IdempotencyCache.HeaderName} was already used for a different request; use a new key for a new request.",
        statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused");

    /// <summary>The answer for a view request that did not succeed.</summary>
    public static ProblemHttpResult For(PendingView view, HttpContext context) => view.Status switch
    {
        ViewStatus.NotReady => Unavailable(context, "Not ready",
            "The node is still loading its state; retry shortly."),
        ViewStatus.Leaving => Unavailable(context, "Leaving",
            "The node is leaving the cluster and takes no more views; send them to another node."),
        ViewStatus.Busy => Unavailable(context, "Busy", "Too many views are waiting for the disk; retry shortly."),
        ViewStatus.ShuttingDown => Unavailable(context, "Shutting down", "The node is stopping; send views to another node."),
        ViewStatus.StorageFailed => Unavailable(context, "Storage unavailable",
            $"The node cannot write to its disk now, so nothing was counted: {view.Detail} It takes views again by itself once the disk has room; retry shortly (with the same Idempotency-Key), or send the views to another node."),
        ViewStatus.Regression => TypedResults.Problem($"{view.Detail} A node's total only grows.",
            statusCode: StatusCodes.Status409Conflict, title: "Total is lower than the current one"),
        ViewStatus.Overflow => TypedResults.Problem($"{view.Detail} Nothing was counted.",
            statusCode: StatusCodes.Status409Conflict, title: "Past the largest count"),
        _ => throw new InvalidOperationException($"No problem for status {view.Status}."),
    };

    static ProblemHttpResult Unavailable(HttpContext context, string title, string detail)
    {
        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: title);
    }

    static string Shorten(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..80] + "...";
}
