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
}
