namespace Tally.Dashboard.Supervision;

/// <summary>What the supervisor knows of one node process.</summary>
/// <param name="ExitCode">Set once the process has exited.</param>
/// <param name="StartedAt">When its current (or last) process was started; a node that has not answered since is
/// starting, not down.</param>
/// <param name="Starts">How many times a process was started for it (1 after the first start; restarts add one).</param>
public sealed record SupervisedNode(
    string Id,
    string Url,
    string DataDirectory,
    NodeProcessState State,
    int? ProcessId,
    int? ExitCode,
    DateTimeOffset? StartedAt = null,
    int Starts = 0);

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
