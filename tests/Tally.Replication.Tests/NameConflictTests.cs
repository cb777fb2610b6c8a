using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Two live processes with one name are two replicas: both count, and every node reports the conflict.</summary>
public class NameConflictTests
{
    static readonly VideoId V = VideoId.Parse("v1");

    [Fact]
    public void NameConflicts_ListTheName_WhileTwoLiveReplicasShareIt()
    {
        var cluster = new Mesh();
        foreach (var id in new[] { "n1", "n2" })
        {
            cluster.Add(id, withDisk: true, seeds: "n1");
        }
        // A copied configuration: a second process named n2, at its own address and with its own disk.
        var twin = cluster.Start(ReplicaId.New("n2", new Random(3)), "n2-copy", new ModelDisk(), "n1");
        cluster.View("n2", "v1", 4);
        cluster.View("n2-copy", "v1", 6);
        for (var r = 0; r < 5; r++)
        {
            cluster.Round();
        }
        foreach (var node in cluster.Nodes.Values)
        {
            var count = node.Replica.Read(V).Value;
            Assert.True(count == 10, $"{node.Id} must count both processes' views, counts {count}");
            var names = node.Replica.NameConflicts;
            Assert.True(names.SequenceEqual(["n2"]), $"{node.Id} must report the name n2 in conflict, reports [{string.Join(", ", names)}]");
        }
        Assert.True(twin.Replica.OwnNameConflict && cluster.Nodes["n2"].Replica.OwnNameConflict && !cluster.Nodes["n1"].Replica.OwnNameConflict);
        Assert.Equal(2, cluster.Nodes["n1"].Replica.Members().Count(m => m.NameConflict));

        cluster.Nodes.Remove("n2-copy"); // the copy is stopped: the conflict ends once it is no longer alive
        for (var r = 0; r < 10; r++)
        {
            cluster.Round();
        }
        Assert.Empty(cluster.Nodes["n1"].Replica.NameConflicts);
    }

    [Fact]
    public void NameConflicts_StayEmpty_WhenALostDiskReplacesAReplica()
    {
        var cluster = new Mesh();
        foreach (var id in new[] { "n1", "n2", "n3" })
        {
            cluster.Add(id, withDisk: true, seeds: "n1");
        }
        for (var r = 0; r < 3; r++)
        {
            cluster.Round();
        }
        cluster.Add("n3", withDisk: false, seeds: "n1"); // the old n3 process is gone: no sign of life after this
        for (var r = 0; r < 3; r++)
        {
            cluster.Round();
            Assert.All(cluster.Nodes.Values, n => Assert.Empty(n.Replica.NameConflicts));
        }
    }
}
