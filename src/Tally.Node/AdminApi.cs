using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Tally.Node;

/// <summary>Operator routes, all requiring the admin token: graceful leave and injected network faults.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin").WithTags("Admin").RequireAuthorization(NodeAuth.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/leave", LeaveAsync).WithName("Leave")
            .WithSummary("Leave the cluster gracefully: refuse views from now on, push everything to the live peers, and exit once one has acknowledged it all.");
        group.MapGet("/faults", GetFaults).WithName("GetFaults").WithSummary("The peers whose gossip this node drops.");
        group.MapPost("/faults", SetFaultsAsync).WithName("SetFaults")
            .WithSummary("Drop gossip to and from the given peers (node ids or URLs), replacing earlier faults; an empty list heals.")
            .Accepts<FaultsBody>("application/json").ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapDelete("/faults", Heal).WithName("Heal").WithSummary("Drop no gossip any more.");
        return group;
    }

    internal static async Task<Accepted<LeaveResponse>> LeaveAsync(ReplicaHost host, CancellationToken ct)
    {
        await host.BeginLeaveAsync(ct).ConfigureAwait(false);
        return TypedResults.Accepted("/cluster", new LeaveResponse(host.Name, ApiText.Phase(host.Phase)));
    }

    internal static Ok<FaultsResponse> GetFaults(ReplicaHost host, FaultSet faults) =>
        TypedResults.Ok(new FaultsResponse(host.Name, faults.Peers));

    internal static async Task<Results<Ok<FaultsResponse>, ValidationProblem, ProblemHttpResult>> SetFaultsAsync(
        HttpContext context, ReplicaHost host, FaultSet faults, IOptions<NodeOptions> options, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync(context.Request, NodeJsonContext.Strict.FaultsBody, options.Value.SmallBodyBytesMax, ct).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }
        if (body.Value?.Drop is not { } drop || drop.Any(p => p is null))
        {
            return Problems.Invalid("drop", "The body must be {\"drop\": [\"<node id or URL>\", ...]}; an empty list heals.");
        }
        var unknown = faults.Set(drop, host.Members());
        if (unknown.Count > 0)
        {
            return Problems.Invalid("drop", $"Not a known member id or an http(s) URL: {string.Join(", ", unknown)}.");
        }
        return TypedResults.Ok(new FaultsResponse(host.Name, faults.Peers));
    }

    internal static Ok<FaultsResponse> Heal(ReplicaHost host, FaultSet faults)
    {
        faults.Heal();
        return TypedResults.Ok(new FaultsResponse(host.Name, faults.Peers));
    }
}
