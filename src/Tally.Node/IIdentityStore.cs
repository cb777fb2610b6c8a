using Tally.Crdt;
using Tally.Replication;
using Tally.Storage;

namespace Tally.Node;

/// <summary>Where the node keeps its identity: its replica id (made once with its data directory) and its cluster id.</summary>
public interface IIdentityStore
{
    /// <summary>The stored replica id, or a new one for <paramref name="name"/>, stored before it returns (see
    /// <see cref="IdentityFiles.LoadOrCreateReplica"/> for <paramref name="hasLegacyState"/>).</summary>
    ReplicaId LoadOrCreateReplica(string name, bool hasLegacyState);

    ClusterIdentity LoadCluster();

    /// <summary>Stores the cluster identity durably before it returns.</summary>
    void SaveCluster(ClusterIdentity cluster);
}

/// <summary>For a node without a data directory (in-memory tests): the identity lives as long as this object, so a
/// test that restarts a node with the same store and the same identity store restarts the same replica.</summary>
public sealed class MemoryIdentityStore : IIdentityStore
{
    readonly Lock _lock = new();
    ReplicaId? _replica;
    ClusterIdentity _cluster;

    public ReplicaId LoadOrCreateReplica(string name, bool hasLegacyState)
    {
        lock (_lock)
        {
            return _replica ??= hasLegacyState ? ReplicaId.Parse(name) : ReplicaId.New(name);
        }
    }

    public ClusterIdentity LoadCluster()
    {
        lock (_lock)
        {
            return _cluster;
        }
    }

    public void SaveCluster(ClusterIdentity cluster)
    {
        lock (_lock)
        {
            _cluster = cluster;
        }
    }
}

/// <summary>The <c>replica</c> and <c>cluster</c> files of the data directory (<see cref="IdentityFiles"/>).</summary>
sealed class FileIdentityStore(FileStateStore store) : IIdentityStore
{
    public ReplicaId LoadOrCreateReplica(string name, bool hasLegacyState) =>
        IdentityFiles.LoadOrCreateReplica(store.DataDirectory, name, hasLegacyState);

    public ClusterIdentity LoadCluster() => IdentityFiles.LoadCluster(store.DataDirectory);

    public void SaveCluster(ClusterIdentity cluster) => IdentityFiles.SaveCluster(store.DataDirectory, cluster);
}
