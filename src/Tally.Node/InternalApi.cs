using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Node-to-node routes, all requiring the cluster key. <c>POST /internal/gossip</c> takes one
/// <see cref="GossipCodec"/> message: the node merges it under the replica lock, sends the core's answer back
/// through the transport (as its own request to the sender's address) and queues the merged delta for storage.
/// A message whose checksum does not match, or that is malformed, is a 400 counted in <c>tally.gossip.refused</c>
/// and nothing of it is merged.</summary>
public static class InternalApi
{
    public const string GossipPath = "/internal/gossip";

    public static RouteGroupBuilder MapInternalApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal").WithTags("Internal").RequireAuthorization(NodeAuth.PeerPolicy);
        group.MapPost("/gossip", ReceiveGossipAsync).WithName("Gossip")
            .WithSummary("One gossip message (binary, see GossipCodec, ending in a CRC-32C of its bytes). Requires 'Authorization: Bearer <cluster key>'; a checksum mismatch or a malformed message is 400 and nothing of it is merged.")
            .Accepts<byte[]>("application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
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
        catch (GossipChecksumException e)
        {
            metrics.GossipRefused("checksum");
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Gossip checksum mismatch");
        }
        catch (CrdtFormatException e)
        {
            metrics.GossipRefused("malformed");
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Malformed gossip message");
        }
        metrics.GossipBytesIn(bytes.Length);
        if (faults.BlocksSender(message.Sender))
        {
            metrics.GossipDropped("fault");
            return TypedResults.NoContent(); // as if the network had lost it
        }
        // A merge is total (docs/architecture.md, "Numbers"): a well-formed message of this cluster is always taken in.
        var (effects, durable) = host.Receive(message);
        if (effects.Refused is { } refused)
        {
            return TypedResults.Problem(refused.Detail, statusCode: StatusCodes.Status409Conflict, title: "Gossip from another cluster");
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
