namespace Tally.Storage;

/// <summary>When <see cref="FileStateStore.AppendAsync(Tally.Crdt.CounterMap, System.Threading.CancellationToken)"/> completes.</summary>
public enum Durability
{
    /// <summary>After the record is written and fsynced: it survives a power loss.</summary>
    Fsync,

    /// <summary>After the record is written to the OS: it survives a crash of the process but not of the machine. For
    /// experiments and benchmarks.</summary>
    None,
}
