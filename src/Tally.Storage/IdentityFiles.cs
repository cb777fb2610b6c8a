using System.Text;
using Tally.Crdt;
using Tally.Replication;
using Tally.Storage.Format;

namespace Tally.Storage;

/// <summary>The identity a data directory carries: the <c>replica</c> file (this directory's <see cref="ReplicaId"/>,
/// made with it and never changed) and the <c>cluster</c> file (the <see cref="ClusterId"/>, with a
/// <c>provisional</c> mark while a node that made it alone has not yet exchanged with any member). One line each,
/// written atomically and durably (temporary file, fsync, rename, directory fsync).</summary>
public static class IdentityFiles
{
    const string ProvisionalMark = " provisional";

    /// <summary>This directory's replica id. A directory without a <c>replica</c> file gets a new id for
    /// <paramref name="name"/>, stored before this returns, unless it already holds state written before replica ids
    /// existed (<paramref name="hasLegacyState"/>): that disk is the old replica's, so it keeps the plain name as id.
    /// Call it once at start, while holding the directory (an open <see cref="FileStateStore"/>), before any own entry
    /// is written.</summary>
    /// <exception cref="InvalidDataException">The file does not hold a replica id, or one of another name: a data
    /// directory belongs to one replica, and renaming its node would hide that.</exception>
    public static ReplicaId LoadOrCreateReplica(string dataDirectory, string name, bool hasLegacyState)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, DataFiles.Replica);
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path, Encoding.ASCII).Trim();
            if (!ReplicaId.TryParse(text, out var stored))
            {
                throw new InvalidDataException($"The replica file '{path}' does not hold a replica id. It was damaged: restore it from a backup, or start the node with an empty data directory (a new replica).");
            }
            if (stored.Name != name)
            {
                throw new InvalidDataException($"The data directory '{dataDirectory}' belongs to replica {stored} (name '{stored.Name}'), not to a node named '{name}'. Start it with --id {stored.Name}, or give '{name}' its own data directory.");
            }
            return stored;
        }
        var id = hasLegacyState ? ReplicaId.Parse(name) : ReplicaId.New(name);
        DurableFile.WriteAtomically(dataDirectory, DataFiles.Replica, [Encoding.ASCII.GetBytes($"{id}\n")]);
        return id;
    }

    /// <summary>The stored cluster identity, or none (default) if the directory has no <c>cluster</c> file.</summary>
    /// <exception cref="InvalidDataException">The file does not hold a cluster id.</exception>
    public static ClusterIdentity LoadCluster(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, DataFiles.Cluster);
        if (!File.Exists(path))
        {
            return default;
        }
        var text = File.ReadAllText(path, Encoding.ASCII).Trim();
        var provisional = text.EndsWith(ProvisionalMark, StringComparison.Ordinal);
        var value = provisional ? text[..^ProvisionalMark.Length] : text;
        return ClusterId.TryParse(value, out var id)
            ? new ClusterIdentity(id, provisional)
            : throw new InvalidDataException($"The cluster file '{path}' does not hold a cluster id. Write the cluster's id into it (GET /cluster on another node shows it), or pass --cluster-id.");
    }

    /// <summary>Stores <paramref name="cluster"/> durably before it returns.</summary>
    public static void SaveCluster(string dataDirectory, ClusterIdentity cluster)
    {
        if (cluster.Id is not { } id)
        {
            throw new ArgumentException("There is no cluster id to store.", nameof(cluster));
        }
        Directory.CreateDirectory(dataDirectory);
        var line = cluster.Provisional ? $"{id}{ProvisionalMark}\n" : $"{id}\n";
        DurableFile.WriteAtomically(dataDirectory, DataFiles.Cluster, [Encoding.ASCII.GetBytes(line)]);
    }
}
