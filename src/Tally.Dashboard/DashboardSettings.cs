using Tally.Dashboard.Supervision;

namespace Tally.Dashboard;

/// <summary>How a command starts the dashboard: where it listens, which nodes it starts from, and the supervisor
/// when the nodes are its own children.</summary>
/// <param name="Host">Interface to bind, 127.0.0.1 by default; 0.0.0.0 in a container.</param>
/// <param name="NodesCaPath">PEM CA that https nodes' certificates chain to (their names are checked); null: the system's roots.</param>
public sealed record DashboardSettings(
    string Host,
    int Port,
    IReadOnlyList<string> Nodes,
    string? AdminToken,
    INodeSupervisor? Supervisor,
    TimeSpan? PushInterval = null,
    string? NodesCaPath = null);
