namespace Tally.Crdt;

/// <summary>Thrown when an entry or a counter's sum would pass <see cref="ulong.MaxValue"/>. Never wraps.</summary>
public sealed class CounterOverflowException(string message) : OverflowException(message);
