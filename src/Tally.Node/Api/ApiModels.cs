using System.Text.Json.Serialization;

namespace Tally.Node;

/// <summary>Body of <c>POST /videos/{videoId}/views</c> (optional; default amount 1).</summary>
/// <param name="Amount">Views to add: 1 to 1,000,000.</param>
public sealed record AmountBody(long Amount = 1);

/// <summary>Body of <c>PUT /videos/{videoId}/total</c> (an operator action: it needs the admin token).</summary>
/// <param name="Total">The new value of this node's entry, 0 to 10^15 (<c>GCounter.SetMax</c>; above is 400); lower
/// than the current one, or a total that would make the video's count here pass 10^15, is refused (409).</param>
public sealed record TotalBody([property: JsonRequired] ulong Total);

/// <summary>The answer to a view: <c>total</c> = views this replica received (an entry: at most 2^53-1, exact as a
/// JavaScript number), <c>count</c> = views network-wide as this node knows now (a sum of entries, written as an exact
/// JSON integer; see docs/architecture.md, "Numbers", for when it can pass 2^53-1). <c>nodeId</c> (the node's name) and
/// <c>replicaId</c> name who took the view: a retry sent to that node within its idempotency window counts nothing; a
/// retry sent elsewhere counts again.</summary>
/// <param name="AcknowledgedBy">The replicas (ids, this one first) that held the views durably when the node answered:
/// at least the request's write level <c>w</c> (this node alone at <c>w=1</c>).</param>
public sealed record ViewResponse(string VideoId, string NodeId, string ReplicaId, ulong Total, UInt128 Count,
    IReadOnlyList<string> AcknowledgedBy);

/// <summary>One video as this node knows it: every replica's entry (<c>replicas</c>, keyed by replica id) and the same
/// entries summed per node name (<c>names</c>: a name has several replicas after a lost disk or a name conflict; sums
/// of entries, so exact JSON integers of any size).</summary>
/// <param name="AnsweredBy">The replicas (ids, this one first) whose entries this answer merged: at least the read
/// level <c>r</c> (this node alone at <c>r=1</c>).</param>
public sealed record VideoResponse(string VideoId, string NodeId, string ReplicaId, ulong Total, UInt128 Count,
    IReadOnlyDictionary<string, ulong> Replicas, IReadOnlyDictionary<string, UInt128> Names, IReadOnlyList<string> AnsweredBy);

/// <summary>A node's answer to a peer's read (<c>GET /internal/videos/{videoId}</c>): its replica id, its cluster id
/// and every entry it holds for the video.</summary>
public sealed record PeerVideoResponse(string ReplicaId, string? ClusterId, IReadOnlyDictionary<string, ulong> Entries);

public sealed record VideoSummary(string VideoId, ulong Total, UInt128 Count);

/// <summary>A page of videos in ordinal id order; pass <c>next</c> as <c>after</c> for the following page (null on
/// the last page).</summary>
/// <param name="Known">Videos this node knows in all.</param>
public sealed record VideoPage(string NodeId, int Known, IReadOnlyList<VideoSummary> Videos, string? Next);

/// <summary>Body of <c>POST /views</c>: up to the configured number of entries, committed together.</summary>
public sealed record BatchBody([property: JsonRequired] IReadOnlyList<BatchEntry>? Views);

/// <param name="Amount">Views to add: 1 to 1,000,000 (default 1).</param>
public sealed record BatchEntry([property: JsonRequired] string? VideoId, long Amount = 1);

/// <summary>The answer to a batch: per distinct video (entries for the same video are added up), in first-seen order.</summary>
/// <param name="AcknowledgedBy">As in <see cref="ViewResponse"/>: the replicas that held the batch durably.</param>
public sealed record BatchResponse(string NodeId, string ReplicaId, ulong Views, IReadOnlyList<VideoSummary> Results,
    IReadOnlyList<string> AcknowledgedBy);

/// <summary>This node's view of the cluster and hints for judging convergence.</summary>
/// <param name="Digest">Hex root of this node's state digest at <paramref name="DigestVersion"/>: nodes with equal
/// digests hold equal states. While the state changes it is computed at most once per gossip interval.</param>
/// <param name="Version">Version of this node's state: it grows with every change.</param>
/// <param name="NodeId">The node's name (as <paramref name="Name"/>; kept for older clients).</param>
/// <param name="ReplicaId">This node's replica id: the key of its entries, made with its data directory.</param>
/// <param name="ClusterId">The cluster's id; null while a new node with peers has not yet heard from its cluster.</param>
/// <param name="ClusterIdProvisional">The cluster id was made by a node without peers and gives way to a configured
/// one or an older made one (see docs/architecture.md, "Replicas and clusters"); false for a configured id.</param>
/// <param name="NameConflict">Another live replica uses this node's name.</param>
public sealed record ClusterResponse(
    string NodeId,
    string Name,
    string ReplicaId,
    string? ClusterId,
    bool ClusterIdProvisional,
    bool NameConflict,
    string Address,
    long Incarnation,
    string Phase,
    long Round,
    string Digest,
    long DigestVersion,
    long Version,
    int Videos,
    IReadOnlyList<MemberResponse> Members,
    IReadOnlyList<string> Faults);

/// <param name="Status">alive, suspect, down or left.</param>
/// <param name="LastHeard">When its heartbeat last advanced (directly or through gossip).</param>
/// <param name="LastExchange">When it last sent this node a message itself.</param>
/// <param name="AckedVersion">Our state version the member has acknowledged (it holds all our changes up to it).</param>
/// <param name="HeldVersion">The member's state version up to which we hold all its changes.</param>
/// <param name="Id">The member's node name (as <paramref name="Name"/>; kept for older clients). Not unique: key
/// members by <paramref name="ReplicaId"/>.</param>
/// <param name="NameConflict">This member and another live replica use the same name.</param>
public sealed record MemberResponse(
    string Id,
    string Name,
    string ReplicaId,
    bool NameConflict,
    string Address,
    string Status,
    bool Self,
    long Incarnation,
    long Heartbeat,
    DateTimeOffset? LastHeard,
    DateTimeOffset? LastExchange,
    long AckedVersion,
    long HeldVersion,
    bool Synced);

/// <summary>Body of <c>POST /admin/faults</c>: peers (node names, replica ids or URLs) whose gossip is dropped both ways; empty heals.</summary>
public sealed record FaultsBody([property: JsonRequired] IReadOnlyList<string>? Drop);

public sealed record FaultsResponse(string NodeId, IReadOnlyList<string> Drop);

public sealed record LeaveResponse(string NodeId, string Phase);
