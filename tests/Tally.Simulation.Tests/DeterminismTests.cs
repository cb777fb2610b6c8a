namespace Tally.Simulation.Tests;

public class DeterminismTests
{
    static SimulationOptions Faulty(int seed)
    {
        var options = Swarm.Draw(seed);
        options.Nodes = 6;
        options.Loss = 0.2;
        options.Duplication = 0.05;
        options.Reorder = 0.1;
        options.CrashRate = 0.03;
        options.Schedule = FaultSchedule.Parse("isolate:n2@2-6; cut:n1,n3|n4,n5,n6@4-9");
        return options;
    }

    [Fact]
    public void Run_GivesIdenticalTrace_ForTheSameSeed()
    {
        var first = Simulator.Run(Faulty(42));
        var second = Simulator.Run(Faulty(42));
        Assert.True(first.TraceHash == second.TraceHash && first.Events == second.Events && first.Bytes == second.Bytes,
            $"one seed must give one run: traces {first.TraceHash:x16} and {second.TraceHash:x16}, {first.Events} and {second.Events} events; {first.Rerun}");
        Assert.True(first.Delivered > 100, "the run must have exchanged messages");
    }

    [Fact]
    public void Run_GivesDifferentTrace_ForAnotherSeed()
    {
        var a = Simulator.Run(Faulty(42));
        var b = Simulator.Run(Faulty(43));
        Assert.True(a.TraceHash != b.TraceHash, $"different seeds must give different runs (both {a.TraceHash:x16})");
    }

    [Fact]
    public void Run_GivesIdenticalTextTrace_ForTheSameSeed()
    {
        string Text(int seed)
        {
            using var writer = new StringWriter();
            Simulator.Run(Faulty(seed), writer);
            return writer.ToString();
        }
        var first = Text(7);
        Assert.True(first == Text(7), "the written trace must be the same line for line for one seed");
        Assert.Contains(" msg n", first);
    }
}
