namespace Tally.Dashboard.Supervision;

/// <summary>Starts and stops node processes for the dashboard's process controls (add, crash, restart). Present only
/// when the dashboard runs inside <c>tally up</c>; a dashboard over a cluster started elsewhere has none.</summary>
public interface INodeSupervisor
{
    /// <summary>Every node this supervisor has started, in start order.</summary>
    IReadOnlyList<SupervisedNode> Nodes { get; }

    /// <summary>Starts a new node that joins through a running one.</summary>
    SupervisedNode Add();

    /// <summary>Kills the node's process at once (SIGKILL): no graceful shutdown, like a power cut.</summary>
    SupervisedNode Crash(string nodeId);

    /// <summary>Starts a node that is not running again, with the same id, address and data directory.</summary>
    SupervisedNode Restart(string nodeId);

    /// <summary>Records that the node was asked to leave, so its exit is expected and shown as left, not down.</summary>
    void MarkLeaving(string nodeId);
}
