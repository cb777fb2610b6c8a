namespace Tally.Crdt.Serialization;

/// <summary>Upper bounds a decoder enforces before it allocates, so hostile input cannot make it hold more than its
/// own size suggests. The defaults fit a node's whole state; gossip messages use tighter ones.</summary>
public sealed record DecodeLimits
{
    public static DecodeLimits Default { get; } = new();

    /// <summary>Distinct replicas in one encoding.</summary>
    public int MaxReplicas { get; init; } = 4096;

    /// <summary>Videos in one encoding.</summary>
    public int MaxVideos { get; init; } = 16_000_000;

    /// <summary>Rows are dense (videos x replicas), so a few bytes per video naming many replicas could ask for far more
    /// memory than the input holds. A map may have at most this many entries per input byte, plus 2^20: about 512
    /// bytes of memory per input byte at most, and room for a sparse map of a few hundred replicas.</summary>
    public int CellsPerByteMax { get; init; } = 64;
}
