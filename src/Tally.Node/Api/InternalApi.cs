using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Node-to-node routes, all requiring the cluster key. <c>POST /internal/gossip</c> takes one
/// <see cref="GossipCodec"/> message: the replica merges it, appends what changed, and sends its answer through the
/// transport (as its own request to the sender's address) once that append is durable.
/// A message whose checksum does not match, or that is malformed, is a 400 counted in <c>tally.gossip.refused</c>
/// and nothing of it is merged.</summary>
public static class InternalApi
{
    public const string GossipPath = "/internal/gossip";

    /// <summary>Where a peer reads one video's entries for a read above <c>r=1</c>: <c>GET {VideosPath}/{videoId}</c>.</summary>
    public const string VideosPath = "/internal/videos";

    public static RouteGroupBuilder MapInternalApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal").WithTags("Internal").RequireAuthorization(NodeAuth.PeerPolicy);
        group.MapPost("/gossip", ReceiveGossipAsync).WithName("Gossip")
            .WithSummary("One gossip message (binary, see GossipCodec, ending in a CRC-32C of its bytes). Requires 'Authorization: Bearer <cluster key>'; a checksum mismatch or a malformed message is 400 and nothing of it is merged.")
            .Accepts<byte[]>("application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/videos/{videoId}", ReadVideo).WithName("PeerRead")
            .WithSummary("One video's entries, for a peer's read above r=1: {\"replicaId\",\"clusterId\",\"entries\":{\"<replicaId>\": n}}. Requires the cluster key; headers Tally-Replica, Tally-Address and Tally-Cluster name the asker (another cluster: 409; cut off by an injected fault: 503).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    internal static Results<Ok<PeerVideoResponse>, ValidationProblem, ProblemHttpResult> ReadVideo(
        string videoId, HttpContext context, ReplicaExecutor replica, FaultSet faults)
    {
        if (!VideoId.TryParse(videoId, out var video))
        {
            return Problems.InvalidVideo(videoId);
        }
        var headers = context.Request.Headers;
        var asker = headers[PeerReader.ReplicaHeader].ToString();
        var address = headers[PeerReader.AddressHeader].ToString();
        if (ReplicaId.TryParse(asker, out var askerId) && faults.BlocksSender(new MemberRecord(askerId, address, 0, 0, false)) ||
            address.Length > 0 && faults.BlocksAddress(address))
        {
            // As if the network had lost it: an injected partition cuts reads as it cuts gossip.
            return TypedResults.Problem("This node drops messages from the asker (an injected fault).",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Partitioned");
        }
        ClusterId? cluster = ClusterId.TryParse(headers[PeerReader.ClusterHeader].ToString(), out var id) ? id : null;
        if (replica.ReadFor(video, cluster) is not { } counter)
        {
            return TypedResults.Problem("The asker belongs to another cluster (or has none yet); nothing of another cluster is read.",
                statusCode: StatusCodes.Status409Conflict, title: "Read from another cluster");
        }
        var entries = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (r, entry) in counter.Entries)
        {
            entries[r.Value] = entry;
        }
        return TypedResults.Ok(new PeerVideoResponse(replica.Id.Value, replica.CurrentClusterId?.Value, entries));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> ReceiveGossipAsync(
        HttpContext context, ReplicaExecutor replica, FaultSet faults, NodeMetrics metrics, IOptions<NodeOptions> options, CancellationToken ct)
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
        // A merge is total (docs/architecture.md, "Numbers"): a well-formed message of this cluster is always taken in;
        // the answers are held until the merges they acknowledge are durable, and the replica releases them.
        if (replica.Receive(message) is { } refused)
        {
            return TypedResults.Problem(refused.Detail, statusCode: StatusCodes.Status409Conflict, title: "Gossip from another cluster");
        }
        if (replica.StorageUnavailable is { } reason)
        {
            // The merge is in memory, but the store cannot write now: nothing is acknowledged (the replica holds its
            // answers); the merge is appended once the store writes again.
            context.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem($"The merge could not be made durable, so it is not acknowledged: {reason}",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage unavailable");
        }
        return TypedResults.NoContent();
    }
}
