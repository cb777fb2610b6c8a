namespace Tally.Simulation.Tests;

/// <summary>The run's verdict (<see cref="SimulationResult.Passed"/>) must take in every checker: a run that breaks an
/// invariant (each step checker, and the end's equal-entries check), and a run that never converges while breaking
/// none, both fail. (CheckerTests show that each checker reports what it is for.) Every other simulation test runs a
/// cluster that converges, so without these a verdict that ignored convergence would pass them all.</summary>
public class VerdictTests
{
    [Fact]
    public void Run_Fails_WhenTheClusterDoesNotConvergeWithinItsBudget()
    {
        // n2 misses every view of the active phase, and one round at 95% loss is far too little to catch up.
        var options = ScenarioOptions.Five(31, "isolate:n2@1-20", loss: 0.95);
        options.ConvergeRoundsMax = 1;
        var result = Simulator.Run(options);

        Assert.True(result.Violation is null, $"this run breaks no invariant, it only runs out of rounds: {result.Describe()}");
        Assert.True(result.FinalMin < result.Acknowledged, $"n2 must still lag at the end of the budget: {result.Describe()}");
        Assert.False(result.Converged, $"a node that lags at the end did not converge: {result.Describe()}");
        Assert.False(result.Passed, $"a run that did not converge must fail: {result.Describe()}");
        Assert.Contains("did not converge", result.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "bound")]
    [InlineData(true, "monotonic")]
    [InlineData(true, "own-entry")]
    [InlineData(true, "persist")]
    [InlineData(true, "equal")]
    [InlineData(false, null)]
    public void Passed_IsFalse_UnlessConvergedWithNoViolation(bool converged, string? checker)
    {
        var result = Result(converged, checker is null ? null : new Violation(checker, "broken", TimeSpan.Zero));
        Assert.False(result.Passed, $"converged={converged}, violation={checker}: the run must fail");
        Assert.True(Result(converged: true, violation: null).Passed, "converged with no violation passes");
    }

    static SimulationResult Result(bool converged, Violation? violation) => new()
    {
        Seed = 1, Swarm = false, Nodes = 3, Converged = converged, Violation = violation, Rounds = 1, SimulatedMs = 1,
        TotalSimulatedMs = 1, Messages = 0, Delivered = 0, Bytes = 0, Acknowledged = 0, FinalMin = 0, FinalMax = 0,
        TraceHash = 0, Events = 0, WallTime = TimeSpan.Zero, Stats = new ClusterStats(), Series = new CountSeries(),
    };
}
