namespace Tally.Simulation.Tests;

/// <summary>The common shape of the named scenarios: five nodes, a short load of views over three videos, one scripted
/// fault schedule, a bounded number of rounds to converge after the heal.</summary>
static class ScenarioOptions
{
    public static SimulationOptions Five(int seed, string faults, double loss = 0.05) => new()
    {
        Seed = seed,
        Nodes = 5,
        Videos = 3,
        Views = 600,
        Rounds = 20,
        Interval = TimeSpan.FromMilliseconds(100),
        Loss = loss,
        Schedule = FaultSchedule.Parse(faults),
        ConvergeRoundsMax = 40,
    };
}
