namespace Tally.Dashboard.Supervision;

/// <summary>A process control that cannot be carried out (unknown node, node already running, no live peer to join
/// through). The message says why; the API turns it into a 409 ProblemDetails.</summary>
public sealed class SupervisorException(string message) : Exception(message);
