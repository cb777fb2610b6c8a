namespace Tally.Storage;

/// <summary>The data directory holds state that cannot be read back whole: a damaged snapshot with no older one to
/// fall back on, damage inside the log before its last segment, or a missing segment. The store refuses to start
/// rather than start from less than it acknowledged, which would lower the node's own counts. To recover, move the
/// directory aside (the node then starts empty and recovers its entries from its peers) or restore a backup.</summary>
public sealed class StorageCorruptException(string message, Exception? inner = null) : IOException(message, inner);
