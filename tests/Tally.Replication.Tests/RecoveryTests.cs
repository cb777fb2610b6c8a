using Tally.Crdt;

namespace Tally.Replication.Tests;

public class RecoveryTests
{
    static readonly VideoId V = VideoId.Parse("v1");

    [Fact]
    public void IsReady_StaysFalse_WhileASeedNeverAnsweredAndTheOnlyPeerHeardIsStale()
    {
        var cluster = new LoopbackCluster();
        string[] ids = ["n1", "n2", "n3"];
        foreach (var id in ids)
        {
            cluster.Disks[id] = new CounterMap();
            cluster.Add(id, withDisk: true, seeds: [.. ids.Where(s => s != id)]);
        }
        cluster.View("n3", "v1", 5);
        for (var r = 0; r < 3; r++)
        {
            cluster.Round();
        }
        // n1 restarts from a disk that kept none of its merges, so it knows neither n3's views nor any member; n2 is
        // unreachable; then n3 loses its disk. n1 is the only peer n3 can hear, and n1 is stale.
        cluster.Disks["n1"] = new CounterMap();
        cluster.Add("n1", withDisk: true, seeds: ["n2", "n3"]);
        var n2 = cluster.Nodes["n2"];
        cluster.Nodes.Remove("n2");
        var reborn = cluster.Add("n3", withDisk: false, seeds: ["n1", "n2"]);
        cluster.Round();
        Assert.False(reborn.IsReady, "a node recovering a lost disk must not take views after syncing only with a stale peer while its seed n2 never answered");

        cluster.Nodes["n2"] = n2;
        for (var r = 0; r < 5 && !reborn.IsReady; r++)
        {
            cluster.Round();
        }
        Assert.True(reborn.IsReady, "the node must be ready once it heard every seed");
        Assert.True(reborn.Total(V) == 5, $"its own entry must come back from n2 before it is ready, is {reborn.Total(V)}");
    }
}
