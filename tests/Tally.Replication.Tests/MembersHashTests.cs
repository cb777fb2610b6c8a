namespace Tally.Replication.Tests;

public class MembersHashTests
{
    [Fact]
    public void MembersHash_EqualsRecomputation_AfterJoinsRestartsAndLeaves()
    {
        var cluster = Mesh.Of("n1", "n2", "n3", "n4");
        for (var r = 0; r < 3; r++)
        {
            cluster.Round();
        }
        cluster.Add("n5", withDisk: false, seeds: "n1");
        cluster.Add("n2", withDisk: true, seeds: "n1");
        cluster.Nodes["n3"].Leave();
        for (var r = 0; r < 4; r++)
        {
            cluster.Round();
        }
        Assert.True(cluster.Nodes["n3"].Core.IsLeaving, "n3 must have begun its leave");
        Assert.All(cluster.Nodes.Values, n => Assert.True(n.Core.MembersHash == n.Core.ComputeMembersHash(),
            $"{n.Id}'s incrementally kept membership hash must equal the hash recomputed from its table"));
        var hashes = cluster.Nodes.Values.Where(n => !n.Core.IsLeaving).Select(n => n.Core.MembersHash).Distinct().ToList();
        Assert.True(hashes.Count == 1, "nodes that agree on the membership must have one membership hash");
    }
}
