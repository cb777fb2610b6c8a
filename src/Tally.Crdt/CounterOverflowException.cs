namespace Tally.Crdt;

/// <summary>Thrown when a request would take an entry past <see cref="GCounter.EntryMax"/> (an increment or a raise);
/// nothing changes. Never thrown by a merge: sums are <see cref="UInt128"/> and cannot overflow.</summary>
public sealed class CounterOverflowException(string message) : OverflowException(message);
