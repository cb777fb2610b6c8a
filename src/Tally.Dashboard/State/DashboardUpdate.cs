using System.Numerics;
using Tally.Dashboard.Nodes;

namespace Tally.Dashboard.State;

/// <summary>What the page receives about 4 times a second over Server-Sent Events for its selected video. Counts are
/// decimal strings in JSON (see <c>CountJsonConverter</c>).</summary>
/// <param name="At">Unix milliseconds when this update was built.</param>
/// <param name="Mode"><c>supervised</c> (inside <c>tally up</c>: every control) or <c>external</c> (HTTP controls only).</param>
/// <param name="ClusterId">The cluster most answering nodes report (<c>clusterId</c> of <c>GET /cluster</c>); null
/// while no node reports one. The page keys everything it keeps by it.</param>
/// <param name="Merged">Per-replica maximum of the entries of every node of this cluster, as last polled: the
/// dashboard's own replica of the video. Lag is measured against its sum, <paramref name="MergedCount"/>.</param>
/// <param name="Timeline">The latest events, newest first.</param>
public sealed record DashboardUpdate(
    long At,
    string VideoId,
    string Mode,
    ControlsAvailable Controls,
    string? ClusterId,
    IReadOnlyList<NodeCard> Nodes,
    IReadOnlyList<VideoCount> Top,
    IReadOnlyDictionary<string, BigInteger> Merged,
    BigInteger MergedCount,
    IReadOnlyList<TimelineEvent> Timeline);

public sealed record ControlsAvailable(bool Add, bool Remove, bool Crash, bool Restart, bool Partition);

/// <summary>One node's card.</summary>
/// <param name="Key">Unique on the page: the node's name, or <c>name@port</c> when two nodes share a name.</param>
/// <param name="Status">starting, alive, suspect, partitioned, leaving, left, down or foreign (another cluster).</param>
/// <param name="Detail">Why a node has its status (process exit code, connection error, phase), for the small print.</param>
/// <param name="Lag">How far its count is behind <see cref="DashboardUpdate.MergedCount"/>; null where no claim can be
/// made (down, left, starting, another cluster, no answer).</param>
/// <param name="Replicas">The G-Counter entries behind its count, which the page merges into its own replica; null for
/// a node of another cluster.</param>
/// <param name="Process">The supervisor's process state, when the node runs under <c>tally up</c>.</param>
/// <param name="Phase">The node's own phase (loading, recovering, ready, leaving) as it last answered.</param>
/// <param name="Members">How many members (replicas) the node knows, itself included.</param>
/// <param name="Gossip">Gossip figures from its <c>/metrics</c>, null until two scrapes are in.</param>
/// <param name="Starts">Process starts by the supervisor (0 outside <c>tally up</c>).</param>
public sealed record NodeCard(
    string Key,
    string? Id,
    string Url,
    string Status,
    string? Detail,
    bool Reachable,
    BigInteger? Total,
    BigInteger? Count,
    BigInteger? Lag,
    long? LastGossipAgoMs,
    IReadOnlyDictionary<string, BigInteger>? Replicas,
    string? Process,
    bool Partitioned,
    string? ReplicaId = null,
    string? ClusterId = null,
    string? Phase = null,
    bool NameConflict = false,
    int? Members = null,
    GossipRates? Gossip = null,
    int Starts = 0);
