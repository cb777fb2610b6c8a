using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Tally.Node;

/// <summary><c>GET /cluster</c>: this node's view of the members and the hints for judging convergence.</summary>
public static class ClusterApi
{
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cluster").WithTags("Cluster");
        group.MapGet("/", GetCluster).WithName("GetCluster")
            .WithSummary("Members as this node sees them (status alive/suspect/down/left, last contact, acknowledged and held versions) and this node's state digest: nodes with equal digests hold equal states.");
        return group;
    }

    internal static Ok<ClusterResponse> GetCluster(ReplicaExecutor replica, FaultSet faults)
    {
        var at = replica.Describe();
        var (digest, digestVersion) = replica.Digest();
        var list = at.Members.Select(m => new MemberResponse(m.Name, m.Name, m.Id.Value, m.NameConflict, m.Address, ApiText.Status(m.Status), m.IsSelf,
            m.Incarnation, m.Heartbeat, m.LastHeard, m.LastExchange, m.AckedVersion, m.HeldVersion, m.Synced)).ToList();
        return TypedResults.Ok(new ClusterResponse(replica.Name, replica.Name, replica.Id.Value, at.Cluster.Id?.Value, at.Cluster.Provisional, at.OwnNameConflict,
            replica.Address, at.Incarnation, ApiText.Phase(replica.Phase), at.Round,
            digest.ToString("x16", CultureInfo.InvariantCulture), digestVersion, at.Version, at.Videos, list, faults.Peers));
    }
}
