using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Template;

namespace Tally.Node;

/// <summary>Fills in a clear <c>detail</c> for the problems the framework writes itself (unknown route, wrong
/// method, unsupported media type, a bad request caught by the server), so every error says what to do.</summary>
static class ProblemDefaults
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!string.IsNullOrEmpty(problem.Detail))
        {
            return;
        }
        var request = context.HttpContext.Request;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status404NotFound => $"No route matches {request.Method} {request.Path}; the API is described at /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed =>
                $"{request.Method} is not allowed on {request.Path}; allowed: {context.HttpContext.Response.Headers.Allow}.",
            StatusCodes.Status415UnsupportedMediaType =>
                Problems.UnsupportedMediaTypeDetail(request.ContentType, AcceptedTypes(context.HttpContext) ?? "application/json"),
            _ when context.Exception is Microsoft.AspNetCore.Http.BadHttpRequestException bad => bad.Message,
            StatusCodes.Status500InternalServerError => "The node failed to handle this request; see its log.",
            _ => null,
        };
    }

    /// <summary>The content types the route of this request takes, from its endpoint's <c>Accepts</c> metadata. Routing
    /// answers 415 itself when the type does not match, through an endpoint of its own, so the route is looked up by
    /// method and path among all endpoints.</summary>
    static string? AcceptedTypes(HttpContext http)
    {
        if (http.RequestServices.GetService<EndpointDataSource>() is not { } source)
        {
            return null;
        }
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is not { ContentTypes.Count: > 0 } accepts ||
                endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is { } methods &&
                !methods.HttpMethods.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase) ||
                endpoint.RoutePattern.RawText is not { } pattern)
            {
                continue;
            }
            var matcher = new TemplateMatcher(TemplateParser.Parse(pattern), []);
            if (matcher.TryMatch(http.Request.Path, []))
            {
                return string.Join(" or ", accepts.ContentTypes);
            }
        }
        return null;
    }
}
