using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>A lost disk is a new replica: it never continues the old entry, so the views it takes count whatever its
/// peers hold (issue 8, scenarios 1 and 2 at the core's level).</summary>
public class LostDiskTests
{
    static readonly VideoId V = VideoId.Parse("v1");

    static Mesh ThreeNodes() => Mesh.Of("n1", "n2", "n3");

    static UInt128 Count(Harness node) => node.Replica.Read(V).Value;

    [Fact]
    public void LostDisk_ViewsTakenWhileTheNewestCopyIsUnreachable_AreAllCounted()
    {
        var cluster = ThreeNodes();
        cluster.View("n1", "v1", 5);
        for (var r = 0; r < 3; r++)
        {
            cluster.Round();
        }
        // n3 is cut off; n1 takes 10 more, which only n2 learns; then n1 loses its disk and n2 is unreachable.
        var n3 = cluster.Nodes["n3"];
        cluster.Nodes.Remove("n3");
        cluster.View("n1", "v1", 10);
        for (var r = 0; r < 3; r++)
        {
            cluster.Round();
        }
        var n2 = cluster.Nodes["n2"];
        cluster.Nodes.Remove("n2");
        cluster.Nodes.Remove("n1");
        cluster.Nodes["n3"] = n3;
        var reborn = cluster.Add("n1", withDisk: false, seeds: ["n2", "n3"]);
        cluster.Round(); // learns the stale 5 from n3
        cluster.View("n1", "v1", 3);
        Assert.Equal(3UL, reborn.Total("v1"));

        cluster.Nodes["n2"] = n2;
        for (var r = 0; r < 6; r++)
        {
            cluster.Round();
        }
        foreach (var node in cluster.Nodes.Values)
        {
            Assert.True(Count(node) == 18, $"{node.Id} must count 15 of the old n1 and 3 of the new one, counts {Count(node)}");
        }
    }

    [Fact]
    public void LostDisk_NodeWithoutPeersRejoinsTheClusterThatReachesIt_AndItsViewsCount()
    {
        var cluster = new Mesh { Cluster = ClusterIdentity.Minted(ClusterId.Parse("0000000001aaaaaa")) };
        cluster.Add("n1", withDisk: true);
        cluster.Cluster = default;
        cluster.Add("n2", withDisk: true, seeds: "n1");
        cluster.View("n1", "v1", 6);
        for (var r = 0; r < 3; r++)
        {
            cluster.Round();
        }
        var first = cluster.Nodes["n2"].Replica.Cluster;
        Assert.Equal(ClusterId.Parse("0000000001aaaaaa"), first.Id);

        // n1 loses its disk and starts again alone: it makes a new (younger) cluster id and takes 2 views at once.
        cluster.Cluster = ClusterIdentity.Minted(ClusterId.Parse("0000000009bbbbbb"));
        var reborn = cluster.Add("n1", withDisk: false);
        cluster.View("n1", "v1", 2);
        for (var r = 0; r < 4; r++)
        {
            cluster.Round();
        }
        Assert.Equal(first, reborn.Replica.Cluster);
        foreach (var node in cluster.Nodes.Values)
        {
            Assert.True(Count(node) == 8, $"{node.Id} must count all 8 acknowledged views, counts {Count(node)}");
        }
    }
}
