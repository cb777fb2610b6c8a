namespace Tally.Simulation.Tests;

/// <summary>Assertions whose failure messages carry the seed and how to rerun it.</summary>
static class SimAssert
{
    public static void Passed(SimulationResult result) =>
        Assert.True(result.Passed, $"the run must converge exactly with every checker holding: {result.Describe()}");

    public static void Converged(Cluster cluster, bool converged, string what) =>
        Assert.True(converged, $"{what}: {Describe(cluster)}");

    public static string Describe(Cluster cluster)
    {
        var counts = string.Join(", ", cluster.Nodes.Select(n => $"{n.Address}={(n.Status == NodeStatus.Up ? cluster.TotalCount(n.Index).ToString() : n.Status.ToString())}"));
        var violation = cluster.Checkers.First is { } v ? $"checker failed: {v}; " : "";
        return $"{violation}acknowledged {cluster.AcknowledgedTotal}, counts {counts}; Seed={cluster.Seed}; rerun with --seed {cluster.Seed}";
    }

    /// <summary>Sends <paramref name="views"/> client views at random nodes, one every <paramref name="spacing"/> of a round.</summary>
    public static void Load(Cluster cluster, int views, double spacing = 0.05)
    {
        for (var i = 0; i < views; i++)
        {
            cluster.ClientView();
            cluster.RunRounds(spacing);
        }
    }
}
