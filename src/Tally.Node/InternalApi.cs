using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Node-to-node routes, all requiring the cluster key. <c>POST /internal/gossip</c> takes one
/// <see cref="GossipCodec"/> message: the node merges it under the replica lock, sends the core's answer back
/// through the transport (as its own request to the sender's address) and queues the merged delta for storage.</summary>
public static class InternalApi
{
    public const string GossipPath = "/internal/gossip";

    public static RouteGroupBuilder MapInternalApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal").WithTags("Internal").RequireAuthorization(NodeAuth.PeerPolicy);
        group.MapPost("/gossip", ReceiveGossipAsync).WithName("Gossip")
            .WithSummary("One gossip message (binary, see GossipCodec). Requires 'Authorization: Bearer <cluster key>'.")
            .Accepts<byte[]>("application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return group;
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> ReceiveGossipAsync(
        HttpContext context, ReplicaHost host, GossipSender sender, FaultSet faults,
        NodeMetrics metrics, IOptions<NodeOptions> options, CancellationToken ct)
    {
        var bytes = await RequestBody.ReadBytesAsync(context.Request, options.Value.GossipBodyBytesMax, ct).ConfigureAwait(false);
        if (bytes is null)
        {
            return Problems.TooLarge(options.Value.GossipBodyBytesMax);
        }
        GossipMessage message;
        try
        {
            message = GossipCodec.Decode(bytes);
        }
        catch (CrdtFormatException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Malformed gossip message");
        }
        metrics.GossipBytesIn(bytes.Length);
        if (faults.BlocksSender(message.Sender))
        {
            metrics.GossipDropped("fault");
            return TypedResults.NoContent(); // as if the network had lost it
        }
        Effects effects;
        Task durable;
        try
        {
            (effects, durable) = host.Receive(message);
        }
        catch (CounterOverflowException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Gossip would overflow a count");
        }
        // The replies acknowledge this merge: they leave only once it is durable (see MergeJournal).
        try
        {
            await durable.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store cannot write (disk full): nothing is acknowledged; the merge is appended once it can again.
            context.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem($"The merge could not be made durable, so it is not acknowledged: {e.Message}",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage unavailable");
        }
        sender.Send(effects.Messages);
        return TypedResults.NoContent();
    }
}
