namespace Tally.Simulation.Tests;

public class ParsingTests
{
    [Fact]
    public void FaultSchedule_Parse_ReadsEveryKind()
    {
        var schedule = FaultSchedule.Parse("isolate:n2@5-15; cut:n1,n2|n3,n4,n5@5-15; oneway:n1>n2,n3@3; drop:n1>n2:0.3@3-8; crash:n2@5-9; lose:n3@6-9; join@7; leave:n4@6");
        Assert.Equal([FaultKind.Isolate, FaultKind.Cut, FaultKind.OneWay, FaultKind.Drop, FaultKind.Crash, FaultKind.LoseDisk, FaultKind.Join, FaultKind.Leave],
            schedule.Faults.Select(f => f.Kind));
        var cut = schedule.Faults[1];
        Assert.True(cut.Groups[0].SequenceEqual([0, 1]) && cut.Groups[1].SequenceEqual([2, 3, 4]) && cut.FromRound == 5 && cut.ToRound == 15, "cut groups and rounds must be read");
        Assert.True(schedule.Faults[2].ToRound is null, "a window without an end lasts until the heal");
        Assert.Equal(0.3, schedule.Faults[3].Probability);
        Assert.Equal(schedule.ToString(), FaultSchedule.Parse(schedule.ToString()).ToString());
    }

    [Theory]
    [InlineData("isolate:n2", "missing '@round'")]
    [InlineData("isolate:n2@5-3", "rounds")]
    [InlineData("melt:n2@5", "unknown kind")]
    [InlineData("isolate:x2@5", "not a node name")]
    [InlineData("cut:n1@5", "two or more groups")]
    [InlineData("drop:n1>n2@5", "probability")]
    [InlineData("drop:n1>n2:1.5@5", "probability")]
    [InlineData("isolate:n1,n2@5", "exactly one node")]
    [InlineData("cut:n1|n1@5", "twice")]
    [InlineData("join:n3@5", "no nodes")]
    public void FaultSchedule_TryParse_RejectsMalformedEntries(string text, string why)
    {
        Assert.False(FaultSchedule.TryParse(text, out _, out var error), $"'{text}' must be rejected");
        Assert.Contains(why, error);
    }

    [Fact]
    public void Validate_Rejects_AFaultOnANodeThatWillNotExist()
    {
        var options = new SimulationOptions { Nodes = 3, Schedule = FaultSchedule.Parse("isolate:n7@1-2") };
        Assert.Contains(options.Validate(), e => e.Contains("n7", StringComparison.Ordinal));
        Assert.Contains(new SimulationOptions { Loss = 1.5 }.Validate(), e => e.Contains("Loss", StringComparison.Ordinal));
        Assert.Empty(new SimulationOptions().Validate());
    }

    [Theory]
    [InlineData("5ms", 5, 5)]
    [InlineData("1-20ms", 1, 20)]
    [InlineData("250us", 0.25, 0.25)]
    [InlineData("1s", 1000, 1000)]
    [InlineData("exp:5ms", 0, 100)]
    [InlineData("2ms+exp:5ms", 2, 102)]
    public void LatencyModel_Parse_ReadsTheShapes(string text, double minMs, double maxMs)
    {
        var model = LatencyModel.Parse(text);
        Assert.Equal(minMs, model.Floor.TotalMilliseconds, 6);
        Assert.Equal(maxMs, model.Max.TotalMilliseconds, 6);
        var random = new Random(1);
        Assert.All(Enumerable.Range(0, 1000).Select(_ => model.SampleTicks(random)), t => Assert.InRange(t, model.Floor.Ticks, model.Max.Ticks));
    }

    [Theory]
    [InlineData("")]
    [InlineData("fast")]
    [InlineData("5parsecs")]
    [InlineData("20-1ms")]
    [InlineData("exp:0ms")]
    [InlineData("-5ms")]
    public void LatencyModel_TryParse_RejectsNonsense(string text) =>
        Assert.False(LatencyModel.TryParse(text, out _, out _), $"'{text}' must be rejected");
}
