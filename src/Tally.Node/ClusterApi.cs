using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Tally.Replication;

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

    internal static Ok<ClusterResponse> GetCluster(ReplicaHost host, FaultSet faults)
    {
        IReadOnlyList<MemberView> members;
        long version, round, incarnation;
        int videos;
        Replication.ClusterIdentity cluster;
        bool conflict;
        lock (host.Sync)
        {
            var node = host.Node;
            members = node.Members();
            version = node.State.Version;
            videos = node.State.Count;
            round = node.Round;
            incarnation = node.Incarnation;
            cluster = node.Cluster;
            conflict = node.OwnNameConflict;
        }
        var (digest, digestVersion) = host.Digest();
        var list = members.Select(m => new MemberResponse(m.Name, m.Name, m.Id.Value, m.NameConflict, m.Address, ApiText.Status(m.Status), m.IsSelf,
            m.Incarnation, m.Heartbeat, m.LastHeard, m.LastExchange, m.AckedVersion, m.HeldVersion, m.Synced)).ToList();
        return TypedResults.Ok(new ClusterResponse(host.Name, host.Name, host.Id.Value, cluster.Id?.Value, cluster.Provisional, conflict, host.Address, incarnation, ApiText.Phase(host.Phase), round,
            digest.ToString("x16", CultureInfo.InvariantCulture), digestVersion, version, videos, list, faults.Peers));
    }
}
