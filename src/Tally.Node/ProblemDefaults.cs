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
                $"Send the body as application/json, not '{request.ContentType}'.",
            _ when context.Exception is Microsoft.AspNetCore.Http.BadHttpRequestException bad => bad.Message,
            StatusCodes.Status500InternalServerError => "The node failed to handle this request; see its log.",
            _ => null,
        };
    }
}
