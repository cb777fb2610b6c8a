using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary><see cref="ReplicaNode.ReplaceSeeds"/>: what the host's DNS discovery feeds the core, resolution after
/// resolution.</summary>
public class DiscoveryTests
{
    [Fact]
    public void ReplaceSeeds_PushesToEachResolvedAddressOnly_AndForgetsOnesNoLongerResolved()
    {
        var time = new FakeTimeProvider();
        var node = new ReplicaNode(ReplicaId.Parse("n1"), "http://10.0.0.1:8001", 1, new ReplicationOptions(), time, new Random(1),
            new CounterMap(), []);
        Assert.Empty(node.Tick().Messages);

        node.ReplaceSeeds(["http://10.0.0.2:8001", "http://10.0.0.3:8001", "http://10.0.0.1:8001", "http://10.0.0.2:8001"]);
        Assert.Equal(["http://10.0.0.2:8001", "http://10.0.0.3:8001"], node.Tick().Messages.Select(m => m.Address).Order());

        node.ReplaceSeeds(["http://10.0.0.3:8001"]);
        Assert.Equal(["http://10.0.0.3:8001"], node.Tick().Messages.Select(m => m.Address));
    }

    [Fact]
    public void ReplaceSeeds_LeavesOutMembersAlreadyKnown_SoAnAnsweredAddressIsNoSeedAgain()
    {
        var cluster = new LoopbackCluster();
        cluster.Disks["n1"] = new CounterMap();
        cluster.Disks["n2"] = new CounterMap();
        var n1 = cluster.Add("n1", withDisk: true, "n2");
        cluster.Add("n2", withDisk: true);
        cluster.Round();
        Assert.Contains(n1.Members(), m => m.Id.Value == "n2");

        n1.ReplaceSeeds(["n2", "n3"]);
        var targets = n1.Tick().Messages.Select(m => m.Address).ToList();
        Assert.True(targets.Count(t => t == "n2") == 1, $"n2 is a known member, not a seed as well: {string.Join(", ", targets)}");
        Assert.Contains("n3", targets);
    }

    [Fact]
    public void Cluster_FormedOnlyThroughDiscovery_ConvergesToExactSum()
    {
        var cluster = new LoopbackCluster();
        string[] ids = ["n1", "n2", "n3", "n4"];
        foreach (var id in ids)
        {
            cluster.Disks[id] = new CounterMap();
            cluster.Add(id, withDisk: true);
        }
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            cluster.View(id, "v", (ulong)(i + 1));
        }
        // Every resolution returns every address, the node's own included, as a headless Service does.
        for (var round = 0; round < 30; round++)
        {
            foreach (var node in cluster.Nodes.Values)
            {
                node.ReplaceSeeds(ids);
            }
            cluster.Round();
        }
        foreach (var (id, node) in cluster.Nodes)
        {
            Assert.True(node.Count(VideoId.Parse("v")) == 10, $"{id} must count every view: {node.Count(VideoId.Parse("v"))}");
            Assert.Equal(ids.Length, node.Members().Count);
        }
    }
}
