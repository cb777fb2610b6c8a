using Microsoft.AspNetCore.Http.Features;

namespace Tally.Node;

/// <summary>Refuses request targets with <c>.</c> or <c>..</c> path segments (also percent-encoded). Kestrel removes
/// dot segments before routing, so <c>POST /videos/../views</c> would otherwise reach <c>POST /views</c>: a request
/// must name its route as documented, never land on another one.</summary>
static class PathGuard
{
    public static IApplicationBuilder UsePathGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is not null && HasDotSegment(raw))
        {
            await TypedResults.Problem(
                $"The path '{(raw.Length <= 120 ? raw : raw[..120] + "...")}' has a '.' or '..' segment; the node does not resolve those. Send the route's path as documented at /openapi/v1.json.",
                statusCode: StatusCodes.Status400BadRequest, title: "Path with dot segments").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    });

    /// <summary>True when the path part of <paramref name="target"/> has a segment that is <c>.</c> or <c>..</c>,
    /// literally or percent-encoded (<c>%2E</c>).</summary>
    internal static bool HasDotSegment(string target)
    {
        var path = target.AsSpan();
        var end = path.IndexOfAny('?', '#');
        if (end >= 0)
        {
            path = path[..end];
        }
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.Length is 0 or > 6)
            {
                continue;
            }
            var dots = 0;
            var rest = segment;
            while (!rest.IsEmpty)
            {
                if (rest[0] == '.')
                {
                    rest = rest[1..];
                }
                else if (rest.StartsWith("%2e", StringComparison.OrdinalIgnoreCase))
                {
                    rest = rest[3..];
                }
                else
                {
                    dots = -1;
                    break;
                }
                dots++;
            }
            if (dots is 1 or 2)
            {
                return true;
            }
        }
        return false;
    }
}
