using Tally.Crdt;

namespace Tally.Replication;

/// <summary>A message the core wants sent to <paramref name="Address"/>.</summary>
public readonly record struct Outgoing(string Address, GossipMessage Message);

/// <summary>What one step of the core asks of its host: messages to send and, after merges, the changed videos to
/// append to storage (a delta, so appending it twice is harmless).</summary>
public sealed record Effects(IReadOnlyList<Outgoing> Messages, CounterMap? Persist)
{
    public static Effects None { get; } = new([], null);
}
