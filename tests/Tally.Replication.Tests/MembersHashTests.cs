namespace Tally.Replication.Tests;

public class MembersHashTests
{
    [Fact]
    public void MembersHash_EqualsRecomputation_AfterJoinsRestartsAndLeaves()
    {
        var cluster = new LoopbackCluster();
        string[] ids = ["n1", "n2", "n3", "n4"];
        foreach (var id in ids)
        {
            cluster.Disks[id] = new Crdt.CounterMap();
            cluster.Add(id, withDisk: true, seeds: [.. ids.Where(s => s != id)]);
        }
        for (var r = 0; r < 3; r++)
        {
            cluster.Round();
        }
        cluster.Add("n5", withDisk: false, seeds: "n1");
        cluster.Add("n2", withDisk: true, seeds: "n1");
        cluster.Nodes["n3"].BeginLeave();
        for (var r = 0; r < 4; r++)
        {
            cluster.Round();
        }
        Assert.All(cluster.Nodes.Values, n => Assert.True(n.MembersHash == n.ComputeMembersHash(),
            $"{n.Id}'s incrementally kept membership hash must equal the hash recomputed from its table"));
        var hashes = cluster.Nodes.Values.Where(n => !n.IsLeaving).Select(n => n.MembersHash).Distinct().ToList();
        Assert.True(hashes.Count == 1, "nodes that agree on the membership must have one membership hash");
    }
}
