using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tally.Dashboard.Nodes;
using Tally.Dashboard.State;
using Tally.Dashboard.Supervision;

namespace Tally.Dashboard.Api;

/// <summary>Node controls. Add, crash and restart need the process supervisor of <c>tally up</c> (409 otherwise);
/// remove (graceful leave) and partition/heal go through the nodes' admin routes and work on any cluster.</summary>
public static class NodesApi
{
    public static RouteGroupBuilder MapNodesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/nodes").WithTags("Nodes");
        group.MapPost("/", Add).WithName("AddNode");
        group.MapPost("/{node}/leave", LeaveAsync).WithName("RemoveNode");
        group.MapPost("/{node}/crash", Crash).WithName("CrashNode");
        group.MapPost("/{node}/restart", RestartAsync).WithName("RestartNode");
        group.MapPost("/{node}/partition", (string node, NodeLookup lookup, FaultPlan faults, CancellationToken ct) =>
            SetPartitionAsync(node, true, lookup, faults, ct)).WithName("PartitionNode");
        group.MapPost("/{node}/heal", (string node, NodeLookup lookup, FaultPlan faults, CancellationToken ct) =>
            SetPartitionAsync(node, false, lookup, faults, ct)).WithName("HealNode");
        return group;
    }

    static Results<Created<SupervisedNode>, ProblemHttpResult> Add(SupervisorAccess access, NodeRegistry registry)
    {
        if (access.Supervisor is not { } supervisor)
        {
            return NeedsSupervisor("Adding a node");
        }
        try
        {
            var node = supervisor.Add();
            registry.Add(node.Url, node.Id);
            return TypedResults.Created((string?)null, node);
        }
        catch (SupervisorException e)
        {
            return Conflict(e);
        }
    }

    static Results<Ok<SupervisedNode>, ProblemHttpResult> Crash(string node, SupervisorAccess access, NodeLookup lookup)
    {
        if (access.Supervisor is not { } supervisor)
        {
            return NeedsSupervisor("Crashing a node");
        }
        if (lookup.Find(node) is not { Id: { } id })
        {
            return UnknownNode(node);
        }
        try
        {
            return TypedResults.Ok(supervisor.Crash(id));
        }
        catch (SupervisorException e)
        {
            return Conflict(e);
        }
    }

    static async Task<Results<Ok<SupervisedNode>, ProblemHttpResult>> RestartAsync(
        string node, SupervisorAccess access, NodeLookup lookup, NodeRegistry registry, FaultPlan faults, CancellationToken ct)
    {
        if (access.Supervisor is not { } supervisor)
        {
            return NeedsSupervisor("Restarting a node");
        }
        if (lookup.Find(node) is not { Id: { } id } found)
        {
            return UnknownNode(node);
        }
        try
        {
            var started = supervisor.Restart(id);
            // A restarted node has forgotten its faults: stop cutting it off on the other side too.
            if (registry.Partitioned.Contains(found.Url))
            {
                registry.SetPartitioned(found.Url, false);
                await faults.ApplyAsync(ct).ConfigureAwait(false);
            }
            return TypedResults.Ok(started);
        }
        catch (SupervisorException e)
        {
            return Conflict(e);
        }
    }

    static async Task<Results<ContentHttpResult, ProblemHttpResult>> LeaveAsync(
        string node, SupervisorAccess access, NodeLookup lookup, NodeClient client, CancellationToken ct)
    {
        if (lookup.Find(node) is not { } found)
        {
            return UnknownNode(node);
        }
        if (found.Id is { } id && access.Supervisor?.Nodes.Any(n => n.Id == id) == true)
        {
            access.Supervisor.MarkLeaving(id);
        }
        try
        {
            var reply = await client.LeaveAsync(found.Url, ct).ConfigureAwait(false);
            return TypedResults.Content(reply.Body, reply.ContentType ?? "application/json", statusCode: reply.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return ViewsApi.Unreachable(found.Url, e);
        }
    }

    static async Task<Results<Ok<FaultPlan.Result>, ProblemHttpResult>> SetPartitionAsync(
        string node, bool partitioned, NodeLookup lookup, FaultPlan faults, CancellationToken ct)
    {
        if (lookup.Find(node) is not { } found)
        {
            return UnknownNode(node);
        }
        var result = await faults.SetAsync(found.Url, partitioned, ct).ConfigureAwait(false);
        return result.Failed.Contains(found.Url)
            ? TypedResults.Problem($"Node {found.Url} did not take the fault settings: {result.Errors[found.Url]}",
                statusCode: StatusCodes.Status502BadGateway, title: "Fault injection failed")
            : TypedResults.Ok(result);
    }

    static ProblemHttpResult NeedsSupervisor(string action) => TypedResults.Problem(
        $"{action} needs the process supervisor of 'tally up'; this dashboard watches a cluster started elsewhere.",
        statusCode: StatusCodes.Status409Conflict, title: "Control not available");

    static ProblemHttpResult Conflict(SupervisorException e) =>
        TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Control failed");

    static ProblemHttpResult UnknownNode(string node) => TypedResults.Problem(
        $"No node '{node}' is known to the dashboard.", statusCode: StatusCodes.Status404NotFound, title: "Unknown node");
}
