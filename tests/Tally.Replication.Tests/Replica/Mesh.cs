using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Replicas on one fake clock with instant disks and an instant, lossless network: every append completes at
/// once and every released message is delivered at once, encoded and decoded as on the wire, depth first. Each node
/// is a <see cref="Harness"/> keyed by its address. (Faults live in the simulator, Tally.Simulation.)</summary>
sealed class Mesh
{
    readonly Random _random = new(42);
    int _starts;

    public FakeTimeProvider Time { get; } = new(Harness.Start);

    /// <summary>Shared by every node: a change applies to all of them at once.</summary>
    public ReplicationOptions Options { get; } = new();

    public Dictionary<string, Harness> Nodes { get; } = [];

    /// <summary>Each name's current disk; a start without its disk replaces it with a blank one.</summary>
    public Dictionary<string, ModelDisk> Disks { get; } = [];

    /// <summary>The cluster identity each new node starts with.</summary>
    public ClusterIdentity Cluster { get; set; }

    /// <summary>Every message delivered, as encoded on the wire (for codec and corruption tests).</summary>
    public List<byte[]> Wire { get; } = [];

    readonly Dictionary<string, ReplicaId> _replicas = [];

    /// <summary>Nodes <paramref name="names"/>, each with every other as a seed.</summary>
    public static Mesh Of(params string[] names)
    {
        var mesh = new Mesh();
        foreach (var name in names)
        {
            mesh.Add(name, withDisk: true, seeds: [.. names.Where(s => s != name)]);
        }
        return mesh;
    }

    /// <summary>Starts node <paramref name="name"/> at the address of the same name. Its first start keeps the plain
    /// name as replica id (a legacy directory); a start without its disk after that is a new replica with a new id.</summary>
    public Harness Add(string name, bool withDisk = true, params string[] seeds)
    {
        var replica = !_replicas.TryGetValue(name, out var known) ? ReplicaId.Parse(name) : withDisk ? known : ReplicaId.New(name, _random);
        _replicas[name] = replica;
        if (!withDisk || !Disks.TryGetValue(name, out var disk))
        {
            Disks[name] = disk = new ModelDisk();
        }
        return Start(replica, name, disk, seeds);
    }

    /// <summary>Starts a process of replica <paramref name="replica"/> at <paramref name="address"/> on
    /// <paramref name="disk"/> (a twin of a name has its own address and disk).</summary>
    public Harness Start(ReplicaId replica, string address, ModelDisk disk, params string[] seeds)
    {
        var node = new Harness(replica, address, disk, Cluster, Time.GetUtcNow().ToUnixTimeMilliseconds() + ++_starts * 10_000L,
            _random.Next(), Time, Options, seeds) { Instant = true };
        Nodes[address] = node;
        return node;
    }

    /// <summary>Counts <paramref name="amount"/> views at node <paramref name="address"/>; they are durable and
    /// answered Ok at once.</summary>
    public void View(string address, string video, ulong amount = 1)
    {
        var node = Nodes[address];
        var answer = node.AnswerOf(node.Add(video, amount));
        Assert.True(answer.Status == ViewStatus.Ok, $"{address} must count {amount} views of {video}: {answer.Status} {answer.Detail}");
    }

    /// <summary>One gossip interval: every node ticks, in address order, and everything it sends is delivered.</summary>
    public void Round()
    {
        Time.Advance(Options.GossipInterval);
        foreach (var (_, node) in Nodes.OrderBy(n => n.Key, StringComparer.Ordinal).ToList())
        {
            Tick(node);
        }
    }

    /// <summary>One tick of <paramref name="node"/> without delivering what it sends (left in its <see cref="Harness.Sent"/>).</summary>
    public static void TickOnly(Harness node)
    {
        node.Sent.Clear();
        node.Replica.Tick();
        node.Pump();
    }

    void Tick(Harness node)
    {
        node.Replica.Tick();
        node.Pump();
        Deliver(node);
    }

    void Deliver(Harness from)
    {
        var messages = from.Sent.ToList();
        from.Sent.Clear();
        foreach (var (to, message) in messages)
        {
            if (Nodes.TryGetValue(to, out var target))
            {
                var bytes = GossipCodec.Encode(message);
                Wire.Add(bytes);
                target.Receive(GossipCodec.Decode(bytes));
                Deliver(target);
            }
        }
    }
}
