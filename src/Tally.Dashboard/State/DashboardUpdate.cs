using Tally.Dashboard.Nodes;

namespace Tally.Dashboard.State;

/// <summary>What the page receives about 4 times a second over Server-Sent Events for its selected video.</summary>
/// <param name="At">Unix milliseconds when this update was built.</param>
/// <param name="Mode"><c>supervised</c> (inside <c>tally up</c>: every control) or <c>external</c> (HTTP controls only).</param>
public sealed record DashboardUpdate(
    long At,
    string VideoId,
    string Mode,
    ControlsAvailable Controls,
    IReadOnlyList<NodeCard> Nodes,
    IReadOnlyList<VideoCount> Top);

public sealed record ControlsAvailable(bool Add, bool Remove, bool Crash, bool Restart, bool Partition);

/// <summary>One node's card.</summary>
/// <param name="Status">alive, suspect, down, left or partitioned.</param>
/// <param name="Detail">Why a node is down (process exit code, connection error), for the card's small print.</param>
/// <param name="Lag">How far its count is behind the highest count any node reports for the video.</param>
/// <param name="Replicas">The G-Counter entries behind its count, which the page merges into its own replica.</param>
/// <param name="Process">The supervisor's process state, when the node runs under <c>tally up</c>.</param>
public sealed record NodeCard(
    string Key,
    string? Id,
    string Url,
    string Status,
    string? Detail,
    bool Reachable,
    long? Total,
    long? Count,
    long? Lag,
    long? LastGossipAgoMs,
    IReadOnlyDictionary<string, long>? Replicas,
    string? Process,
    bool Partitioned);
