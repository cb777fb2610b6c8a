namespace Tally.Replication;

/// <summary>Sends one message towards an address, best effort: the core tolerates loss, duplication and reordering,
/// so an implementation may drop a message it cannot deliver (after its own bounded retries).</summary>
public interface ITransport
{
    ValueTask SendAsync(string address, GossipMessage message, CancellationToken ct);
}
