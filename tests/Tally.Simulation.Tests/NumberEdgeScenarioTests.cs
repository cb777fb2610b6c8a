using Tally.Crdt;

namespace Tally.Simulation.Tests;

/// <summary>Values at the edge of the number domain (issue 8, scenario 4): operators raise totals to
/// <see cref="GCounter.SetMax"/> on both sides of a split while views go on; after the heal every node counts exactly
/// the acknowledged views, past 2 * 10^15, and keeps taking views.</summary>
public class NumberEdgeScenarioTests
{
    [Fact]
    public void Cluster_RaisesAtTheEdgeOnBothSidesOfASplit_ConvergeExactly()
    {
        var options = ScenarioOptions.Five(21, "cut:n1,n2|n3,n4,n5@1-20");
        options.Raises = 8;
        options.Wire = WireMode.Full;

        var result = Simulator.Run(options);

        SimAssert.Passed(result);
        Assert.True(result.Stats.RaisesAccepted >= 2 && result.Stats.RaisesRefused > 0,
            $"raises must be taken on both sides and refused past the limit: {result.Stats.RaisesAccepted} taken, {result.Stats.RaisesRefused} refused; {result.Rerun}");
        Assert.True(result.Acknowledged > 2 * GCounter.SetMax - 4 * (ulong)options.Views,
            $"the raises of both sides must add up past 2 * 10^15: acknowledged {result.Acknowledged}; {result.Rerun}");
    }

    [Fact]
    public void Cluster_ViewsAfterARaiseToTheEdge_AreTakenOnEveryNode()
    {
        var cluster = new Cluster(new SimulationOptions { Seed = 22, Nodes = 3, Videos = 1, Interval = TimeSpan.FromMilliseconds(100) });
        for (var i = 0; i < 3; i++)
        {
            cluster.AddNode();
        }
        Assert.True(cluster.Raise(0, 0, GCounter.SetMax), "a raise to exactly SetMax must be taken");
        Assert.False(cluster.Raise(1, 0, GCounter.SetMax + 1), "a raise past SetMax must be refused");
        SimAssert.Converged(cluster, cluster.HealAndConverge(30), "the raise must reach every node");

        for (var node = 0; node < 3; node++)
        {
            Assert.True(cluster.View(node, 0, 1_000_000), $"n{node + 1} must take views after the raise");
        }

        SimAssert.Converged(cluster, cluster.HealAndConverge(30), "the views after the raise must reach every node");
        Assert.True(cluster.TotalCount(0) == GCounter.SetMax + 3_000_000, SimAssert.Describe(cluster));
    }
}
