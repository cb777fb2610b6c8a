namespace Tally.Replication.Tests;

public class MembersGossipTests
{
    [Fact]
    public void Tick_PushesASample_ToPeersLastHeardWithAnotherMembershipHash()
    {
        var cluster = Mesh.Of([.. Enumerable.Range(1, 12).Select(i => $"n{i}")]);
        for (var r = 0; r < 10; r++)
        {
            cluster.Round();
        }
        // n1 learns a joiner, so its membership hash changes; every other node still holds n1's old hash and n1
        // holds theirs from before.
        var joiner = cluster.Add("n13", withDisk: false, seeds: "n1");
        var n1 = cluster.Nodes["n1"];
        Mesh.TickOnly(joiner);
        foreach (var (_, message) in joiner.Sent)
        {
            n1.Receive(message);
        }
        Mesh.TickOnly(n1); // its replies to the joiner are dropped
        var pushes = n1.Sent.Where(m => m.Address != "n13").ToList();
        Assert.NotEmpty(pushes);
        Assert.All(pushes, m => Assert.True(m.Message.Members.Count <= cluster.Options.MemberSampleMax + 1,
            $"a push must carry a sample of the members, not the whole table of 13 (carried {m.Message.Members.Count})"));

        for (var r = 0; r < 10; r++)
        {
            cluster.Round();
        }
        Assert.All(cluster.Nodes.Values, n => Assert.True(n.Replica.Members().Count == 13, $"{n.Id} must know all 13 members, knows {n.Replica.Members().Count}"));
    }
}
