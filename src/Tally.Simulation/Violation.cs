namespace Tally.Simulation;

/// <summary>A checker found an invariant broken. <see cref="Time"/> is simulated time since the start.</summary>
public sealed record Violation(string Checker, string Message, TimeSpan Time)
{
    public override string ToString() => $"{Checker} at {Time.TotalMilliseconds:F3} ms: {Message}";
}

/// <summary>Thrown by test helpers when a run breaks an invariant or does not converge; the message starts with the
/// seed and how to rerun it.</summary>
public sealed class SimulationFailedException(string message) : Exception(message);
