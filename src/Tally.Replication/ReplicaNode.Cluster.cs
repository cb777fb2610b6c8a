using Tally.Crdt;

namespace Tally.Replication;

public sealed partial class ReplicaNode
{
    ClusterIdentity _cluster;

    /// <summary>The cluster this replica belongs to (see <see cref="ClusterIdentity"/>).</summary>
    public ClusterIdentity Cluster => _cluster;

    /// <summary>Decides whether a message from <paramref name="sender"/> of cluster <paramref name="theirs"/> may be
    /// taken in, adopting or confirming our id on the way. Rules: a message without an id (a new node that has not
    /// heard from its cluster yet) is taken; a node without an id adopts the sender's; a provisional id gives way to
    /// the sender's (we were alone) or, if equal, is confirmed; a settled id refuses any other.</summary>
    /// <returns>Null to take the message, else the refusal. <paramref name="changed"/> is true when our cluster
    /// identity changed and the host must store it before it stores anything this message merges.</returns>
    GossipRefusal? AdmitCluster(ReplicaId sender, ClusterId? theirs, out bool changed)
    {
        changed = false;
        if (sender == Id)
        {
            return null; // our own message (a seed list naming ourselves): Receive ignores it
        }
        var ours = _cluster.Id;
        if (ours is { } mine && theirs is { } other && mine != other && !_cluster.Provisional)
        {
            Stats.RefusedForeignCluster++;
            return new GossipRefusal("cluster",
                $"Replica {sender} belongs to cluster '{other}', this node ({Id}) to cluster '{mine}': gossip between clusters is refused and nothing was merged. Check the peer lists, or give the nodes of one cluster the same --cluster-id.");
        }
        var next = theirs is { } adopted && ours != adopted ? ClusterIdentity.Settled(adopted)
            : ours is { } && _cluster.Provisional ? _cluster with { Provisional = false }
            : _cluster;
        changed = next != _cluster;
        _cluster = next;
        return null;
    }
}
