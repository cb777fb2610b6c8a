using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary><see cref="Replica.ReplaceSeeds"/>: what the host's DNS discovery feeds the core, resolution after
/// resolution.</summary>
public class DiscoveryTests
{
    static IEnumerable<string> Targets(Harness node)
    {
        Mesh.TickOnly(node);
        return node.Sent.Select(m => m.Address);
    }

    [Fact]
    public void ReplaceSeeds_PushesToEachResolvedAddressOnly_AndForgetsOnesNoLongerResolved()
    {
        var node = new Mesh().Start(ReplicaId.Parse("n1"), "http://10.0.0.1:8001", new ModelDisk());
        Assert.Empty(Targets(node));

        node.Replica.ReplaceSeeds(["http://10.0.0.2:8001", "http://10.0.0.3:8001", "http://10.0.0.1:8001", "http://10.0.0.2:8001"]);
        Assert.Equal(["http://10.0.0.2:8001", "http://10.0.0.3:8001"], Targets(node).Order());

        node.Replica.ReplaceSeeds(["http://10.0.0.3:8001"]);
        Assert.Equal(["http://10.0.0.3:8001"], Targets(node));
    }

    [Fact]
    public void ReplaceSeeds_LeavesOutMembersAlreadyKnown_SoAnAnsweredAddressIsNoSeedAgain()
    {
        var cluster = new Mesh();
        var n1 = cluster.Add("n1", withDisk: true, "n2");
        cluster.Add("n2", withDisk: true);
        cluster.Round();
        Assert.Contains(n1.Replica.Members(), m => m.Id.Value == "n2");

        n1.Replica.ReplaceSeeds(["n2", "n3"]);
        var targets = Targets(n1).ToList();
        Assert.True(targets.Count(t => t == "n2") == 1, $"n2 is a known member, not a seed as well: {string.Join(", ", targets)}");
        Assert.Contains("n3", targets);
    }

    [Fact]
    public void Cluster_FormedOnlyThroughDiscovery_ConvergesToExactSum()
    {
        var cluster = new Mesh();
        string[] ids = ["n1", "n2", "n3", "n4"];
        foreach (var id in ids)
        {
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
                node.Replica.ReplaceSeeds(ids);
            }
            cluster.Round();
        }
        foreach (var (id, node) in cluster.Nodes)
        {
            var count = node.Replica.Read(VideoId.Parse("v")).Value;
            Assert.True(count == 10, $"{id} must count every view: {count}");
            Assert.Equal(ids.Length, node.Replica.Members().Count);
        }
    }
}
