namespace Tally.Crdt;

/// <summary>Thrown when a caller asks a grow-only entry to go down (<see cref="GCounter.RaiseTo"/>). A G-Counter
/// entry only ever rises; lowering it would break merge (the max would restore the old value on the next exchange).</summary>
public sealed class CounterRegressionException(ReplicaId replica, ulong current, ulong requested)
    : InvalidOperationException($"Entry of replica '{replica}' is {current}; it cannot be lowered to {requested}.")
{
    public ReplicaId Replica { get; } = replica;
    public ulong Current { get; } = current;
    public ulong Requested { get; } = requested;
}
