using Tally.Crdt;

namespace Tally.Replication;

public sealed partial class ReplicaNode
{
    ClusterIdentity _cluster;

    /// <summary>The cluster this replica belongs to (see <see cref="ClusterIdentity"/>).</summary>
    public ClusterIdentity Cluster => _cluster;

    /// <summary>Decides whether a message of <paramref name="theirs"/> from <paramref name="sender"/> may be taken in
    /// (<see cref="ClusterIdentity.Join"/>), adopting the joined identity on the way.</summary>
    /// <returns>Null to take the message, else the refusal. <paramref name="changed"/> is true when our cluster
    /// identity changed and the host must store it before it stores anything this message merges.</returns>
    GossipRefusal? AdmitCluster(ReplicaId sender, ClusterIdentity theirs, out bool changed)
    {
        changed = false;
        if (sender == Id)
        {
            return null; // our own message (a seed list naming ourselves): Receive ignores it
        }
        if (_cluster.Join(theirs) is not { } next)
        {
            Stats.RefusedForeignCluster++;
            return new GossipRefusal("cluster",
                $"Replica {sender} belongs to cluster '{theirs.Id}', this node ({Id}) to cluster '{_cluster.Id}': gossip between clusters is refused and nothing was merged. Check the peer lists and the --cluster-id of both nodes.");
        }
        changed = next != _cluster;
        _cluster = next;
        return null;
    }
}
