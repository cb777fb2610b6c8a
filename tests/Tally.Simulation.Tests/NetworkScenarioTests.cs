namespace Tally.Simulation.Tests;

/// <summary>Named network scenarios (TigerBeetle's "Cluster: network: partition 2-1"): each scripts one fault during a
/// load of views, heals, and must end with every up node counting exactly the acknowledged views.</summary>
public class NetworkScenarioTests
{
    /// <summary>Node <paramref name="node"/>'s count at the last sample before the heal, and the acknowledged total then.</summary>
    static (UInt128 Count, ulong Acknowledged) BeforeHeal(SimulationResult result, SimulationOptions options, int node)
    {
        var healMs = (options.EffectiveWarmupRounds + options.Rounds) * options.Interval.TotalMilliseconds;
        var s = result.Series.TimesMs.ToList().FindLastIndex(t => t < healMs);
        return (result.Series.Counts[s][node], result.Series.Acknowledged[s]);
    }

    [Fact]
    public void Cluster_IsolateOneNode_ConvergesAfterHeal()
    {
        var options = ScenarioOptions.Five(11, "isolate:n2@3-20");
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        var (count, acknowledged) = BeforeHeal(result, options, node: 1);
        Assert.True(count < acknowledged, $"the isolated n2 must lag while isolated (counted {count} of {acknowledged}); {result.Rerun}");
    }

    [Fact]
    public void Cluster_SplitTwoThree_ConvergesAfterHeal()
    {
        var options = ScenarioOptions.Five(12, "cut:n1,n2|n3,n4,n5@2-20");
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        var (count, acknowledged) = BeforeHeal(result, options, node: 0);
        Assert.True(count < acknowledged, $"the minority side must lag during the split (n1 counted {count} of {acknowledged}); {result.Rerun}");
    }

    [Fact]
    public void Cluster_OneWayPartition_ConvergesAfterHeal()
    {
        // n1 hears everyone but no one hears n1: its own views stay with it until the heal.
        var options = ScenarioOptions.Five(13, "oneway:n1>n2,n3,n4,n5@2-20");
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        var (count, acknowledged) = BeforeHeal(result, options, node: 2);
        Assert.True(count < acknowledged, $"n3 must miss n1's views while n1 cannot send (counted {count} of {acknowledged}); {result.Rerun}");
    }

    [Fact]
    public void Cluster_ThirtyPercentLoss_ConvergesExactly()
    {
        var options = ScenarioOptions.Five(14, "", loss: 0.3);
        options.Nodes = 10;
        options.Duplication = 0.05;
        options.Reorder = 0.1;
        options.Wire = WireMode.Full;
        var result = Simulator.Run(options);
        SimAssert.Passed(result);
        Assert.True(result.Delivered < result.Messages * 0.8, $"about 30% of the messages must be lost ({result.Delivered} of {result.Messages} delivered); {result.Rerun}");
    }
}
