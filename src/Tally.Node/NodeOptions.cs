using System.ComponentModel.DataAnnotations;

namespace Tally.Node;

/// <summary>One node's identity, addresses, secrets and API limits (section <c>Node</c>; <c>tally node</c> maps its
/// command-line options and <c>TALLY_*</c> variables here). The replica's rules (commits in flight, idempotency keys,
/// leave timeout, ...) are <see cref="Replication.ReplicaOptions"/>, bound from the same section; gossip tuning is
/// <see cref="Replication.ReplicationOptions"/>.</summary>
public sealed class NodeOptions
{
    public const string SectionName = "Node";

    /// <summary>The node's name, for people: 1-64 characters from [A-Za-z0-9._-]. The key of its entries is its
    /// replica id (this name and a random part, made with its data directory), so a name used twice by mistake loses
    /// nothing: it is reported as a name conflict. A data directory keeps the name it was made with.</summary>
    [Required(ErrorMessage = "Node:Id (--id, TALLY_ID) is required.")]
    public string Id { get; set; } = "";

    /// <summary>Where to listen, e.g. <c>http://127.0.0.1:8001</c>. The node binds there and nowhere else.</summary>
    [Required(ErrorMessage = "Node:Listen (--listen, TALLY_LISTEN) is required, e.g. http://127.0.0.1:8001.")]
    public string Listen { get; set; } = "";

    /// <summary>The URL peers use to reach this node (default: <see cref="Listen"/>); needed when listening on a
    /// wildcard address or behind a container's port mapping.</summary>
    public string? Advertise { get; set; }

    /// <summary>The cluster id (1-64 characters from [A-Za-z0-9._-]). Optional: a node without peers makes one at its
    /// first start, a node with peers adopts its cluster's. Give it when every node lists peers (then none would make
    /// one). A node refuses to start when its data directory holds another.</summary>
    public string? ClusterId { get; set; }

    /// <summary>Peers to join through: URLs such as <c>http://node2:8001</c> (DNS names are resolved on connect).</summary>
    public string[] Peers { get; set; } = [];

    /// <summary>Shared secret between nodes: every <c>/internal/...</c> request carries it as a bearer token.</summary>
    [Required(ErrorMessage = "Node:ClusterKey (--cluster-key, TALLY_CLUSTER_KEY) is required: the secret shared by the cluster's nodes.")]
    public string ClusterKey { get; set; } = "";

    /// <summary>Bearer token for <c>/admin/...</c> (leave, faults).</summary>
    [Required(ErrorMessage = "Node:AdminToken (--admin-token, TALLY_ADMIN_TOKEN) is required: the bearer token of /admin routes.")]
    public string AdminToken { get; set; } = "";

    /// <summary>Seed of the core's random choices (gossip targets); 0 picks one at start.</summary>
    public int Seed { get; set; }

    /// <summary>How often a node whose disk cannot be written (full, I/O error) checks whether it can again; until it
    /// can, views get 503 and <c>/health</c> says why.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan StorageProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the node checks whether the GC holds idle memory worth giving back to the operating system
    /// (<see cref="MemoryReturnRule"/>), and the least time between two returns; zero turns returns off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MemoryReturnInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most entries in one <c>POST /views</c> batch.</summary>
    [Range(1, 1_000_000)]
    public int BatchViewsMax { get; set; } = 10_000;

    /// <summary>Largest JSON body of a single-video request (views, total).</summary>
    [Range(64, 1 << 20)]
    public int SmallBodyBytesMax { get; set; } = 4096;

    /// <summary>Largest JSON body of a <c>POST /views</c> batch.</summary>
    [Range(1024, 256 << 20)]
    public int BatchBodyBytesMax { get; set; } = 1 << 20;

    /// <summary>Largest gossip message accepted from a peer.</summary>
    [Range(1024, 1 << 30)]
    public int GossipBodyBytesMax { get; set; } = 64 << 20;

    /// <summary>Most videos in one page of <c>GET /videos</c>.</summary>
    [Range(1, 100_000)]
    public int PageLimitMax { get; set; } = 1000;

    /// <summary>Gossip sends in flight at once, and to one peer; a message beyond either is dropped (the core
    /// tolerates loss and resends what is not acknowledged).</summary>
    [Range(1, 10_000)]
    public int SendsInFlightMax { get; set; } = 64;

    [Range(1, 1000)]
    public int SendsInFlightPerPeerMax { get; set; } = 4;

    /// <summary>Time limit of one gossip HTTP attempt, and of a send with its retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan SendAttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The advertised address as peers see it, without a trailing slash.</summary>
    public string Address => NodeAddress.Normalize(string.IsNullOrWhiteSpace(Advertise) ? Listen : Advertise);
}
