using Tally.Storage;

namespace Tally.Node;

/// <summary>Remembers, across crashes, that the node is recovering its state from peers after starting with an empty
/// disk (<see cref="RecoveryMarker"/>): a restart in the middle must recover again rather than trust a partial state.</summary>
public interface IRecoveryMarker
{
    bool Exists { get; }
    void Set();
    void Clear();
}

/// <summary>For a node without a data directory (in-memory tests): nothing survives a restart anyway.</summary>
sealed class NoRecoveryMarker : IRecoveryMarker
{
    public bool Exists => false;
    public void Set() { }
    public void Clear() { }
}

sealed class FileRecoveryMarker(FileStateStore store) : IRecoveryMarker
{
    public bool Exists => RecoveryMarker.Exists(store.DataDirectory);
    public void Set() => RecoveryMarker.Set(store.DataDirectory);
    public void Clear() => RecoveryMarker.Clear(store.DataDirectory);
}
