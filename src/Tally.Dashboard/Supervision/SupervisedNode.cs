namespace Tally.Dashboard.Supervision;

/// <summary>What the supervisor knows of one node process.</summary>
/// <param name="ExitCode">Set once the process has exited.</param>
public sealed record SupervisedNode(
    string Id,
    string Url,
    string DataDirectory,
    NodeProcessState State,
    int? ProcessId,
    int? ExitCode);

public enum NodeProcessState
{
    Running,
    /// <summary>Exited without being asked to: shown as down and not restarted.</summary>
    Exited,
    /// <summary>Killed by the crash control.</summary>
    Crashed,
    /// <summary>Exited after a graceful leave.</summary>
    Left,
    /// <summary>Stopped by the supervisor's shutdown.</summary>
    Stopped,
}
