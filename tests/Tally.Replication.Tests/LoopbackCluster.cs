using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>A minimal in-process harness for the core's unit tests: instant, lossless delivery and a fake clock.
/// (The fault-injecting simulator lives in Tally.Simulation.)</summary>
sealed class LoopbackCluster
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public Dictionary<string, ReplicaNode> Nodes { get; } = [];
    public Dictionary<string, CounterMap> Disks { get; } = [];

    /// <summary>The replica id of each address's disk: a node's first start keeps its plain name as id (a legacy
    /// directory), a start without its disk after that is a new replica with a new id.</summary>
    public Dictionary<string, ReplicaId> Replicas { get; } = [];

    /// <summary>The cluster identity each new node starts with.</summary>
    public ClusterIdentity Cluster { get; set; }
    public ReplicationOptions Options { get; } = new();

    /// <summary>Every message delivered, as encoded on the wire (for codec and corruption tests).</summary>
    public List<byte[]> Wire { get; } = [];
    readonly Random _random = new(42);

    public ReplicaNode Add(string id, bool withDisk = true, params string[] seeds)
    {
        var recovered = withDisk && Disks.TryGetValue(id, out var disk) ? disk.Clone() : null;
        var replica = !Replicas.TryGetValue(id, out var known) ? ReplicaId.Parse(id) : withDisk ? known : ReplicaId.New(id, _random);
        Replicas[id] = replica;
        var node = new ReplicaNode(replica, id, Time.GetUtcNow().ToUnixTimeMilliseconds() + Nodes.Count,
            Options, Time, new Random(_random.Next()), recovered, seeds, Cluster);
        Nodes[id] = node;
        if (!withDisk)
        {
            Disks.Remove(id);
        }
        return node;
    }

    public void View(string id, string video, ulong amount = 1)
    {
        var node = Nodes[id];
        var batch = new CounterMap();
        node.PrepareView(batch, VideoId.Parse(video), amount);
        Persist(id, batch);
        node.ApplyOwn(batch);
    }

    public void Round()
    {
        Time.Advance(Options.GossipInterval);
        foreach (var (id, node) in Nodes.OrderBy(n => n.Key).ToList())
        {
            Deliver(node.Tick(), id);
        }
    }

    void Deliver(Effects effects, string from)
    {
        if (effects.Persist is { } delta)
        {
            Persist(from, delta);
        }
        foreach (var (to, message) in effects.Messages)
        {
            if (Nodes.TryGetValue(to, out var target))
            {
                var bytes = GossipCodec.Encode(message);
                Wire.Add(bytes);
                var decoded = GossipCodec.Decode(bytes);
                Deliver(target.Receive(decoded), to);
            }
        }
    }

    void Persist(string id, CounterMap delta)
    {
        if (!Disks.TryGetValue(id, out var disk))
        {
            Disks[id] = disk = new CounterMap();
        }
        disk.Merge(delta);
    }
}
