using System.ComponentModel.DataAnnotations;

namespace Tally.Storage;

/// <summary>Settings of a <see cref="FileStateStore"/>. Every queue and file has a limit here.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The directory holding the snapshots, log segments, incarnation and lock files; created if missing.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "";

    /// <summary>Whether an append waits for fsync (<see cref="Durability.Fsync"/>, the default) or only for the write.</summary>
    [EnumDataType(typeof(Durability))]
    public Durability Durability { get; set; } = Durability.Fsync;

    /// <summary>Appends waiting for the writer. When the queue is full, <see cref="FileStateStore.AppendAsync(Tally.Crdt.CounterMap, System.Threading.CancellationToken)"/> waits
    /// (backpressure).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Most bytes written by one write and fsync (group commit). A larger record is written alone.</summary>
    [Range(1, 1 << 30)]
    public int BatchBytesMax { get; set; } = 4 << 20;

    /// <summary>Log bytes since the last snapshot above which <see cref="FileStateStore.NeedsSnapshot"/> turns true.</summary>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long SnapshotLogBytesMax { get; set; } = 64 << 20;

    /// <summary>Snapshots kept (with the log after the oldest of them), so a damaged newest snapshot can fall back to
    /// an older one. With 1, a damaged snapshot stops the node.</summary>
    [Range(1, 16)]
    public int SnapshotsKept { get; set; } = 2;
}
