using Microsoft.Extensions.Time.Testing;

namespace Tally.Node.Tests;

/// <summary>When the node gives idle GC memory back: enough of it, grown since the last return, not too often.</summary>
public sealed class MemoryReturnRuleTests
{
    const long MiB = 1L << 20;
    static readonly TimeSpan Spacing = TimeSpan.FromSeconds(30);

    [Fact]
    public void ShouldReturn_True_WhenIdleIsAtLeastTheMinimumAndAnEighthOfTheLiveHeap()
    {
        var rule = new MemoryReturnRule(new FakeTimeProvider(), Spacing);

        Assert.True(rule.ShouldReturn(committedBytes: 256 * MiB + MemoryReturnRule.IdleBytesMin, liveBytes: 256 * MiB));
        Assert.True(rule.ShouldReturn(committedBytes: 450 * MiB, liveBytes: 400 * MiB));
    }

    [Fact]
    public void ShouldReturn_False_WhenIdleIsBelowTheMinimum()
    {
        var rule = new MemoryReturnRule(new FakeTimeProvider(), Spacing);

        Assert.False(rule.ShouldReturn(committedBytes: 10 * MiB + MemoryReturnRule.IdleBytesMin - 1, liveBytes: 10 * MiB));
    }

    [Fact]
    public void ShouldReturn_False_WhenIdleIsBelowAnEighthOfTheLiveHeap()
    {
        var rule = new MemoryReturnRule(new FakeTimeProvider(), Spacing);

        Assert.False(rule.ShouldReturn(committedBytes: 1000 * MiB + 125 * MiB - 1, liveBytes: 1000 * MiB));
        Assert.True(rule.ShouldReturn(committedBytes: 1000 * MiB + 125 * MiB, liveBytes: 1000 * MiB));
    }

    [Fact]
    public void ShouldReturn_WaitsForTheSpacing_AfterAReturn()
    {
        var time = new FakeTimeProvider();
        var rule = new MemoryReturnRule(time, Spacing);
        rule.Returned(committedBytes: 100 * MiB, liveBytes: 100 * MiB);

        time.Advance(Spacing - TimeSpan.FromTicks(1));
        Assert.False(rule.ShouldReturn(committedBytes: 400 * MiB, liveBytes: 100 * MiB));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(rule.ShouldReturn(committedBytes: 400 * MiB, liveBytes: 100 * MiB));
    }

    [Fact]
    public void ShouldReturn_False_WhenIdleHasNotGrownByTheMinimumSinceTheLastReturnLeftIt()
    {
        var time = new FakeTimeProvider();
        var rule = new MemoryReturnRule(time, Spacing);
        rule.Returned(committedBytes: 300 * MiB, liveBytes: 100 * MiB); // 200 MiB the GC could not give back
        time.Advance(Spacing * 10);

        Assert.False(rule.ShouldReturn(committedBytes: 300 * MiB + MemoryReturnRule.IdleBytesMin - 1, liveBytes: 100 * MiB));
        Assert.True(rule.ShouldReturn(committedBytes: 300 * MiB + MemoryReturnRule.IdleBytesMin, liveBytes: 100 * MiB));
    }

    [Fact]
    public void ShouldReturn_CountsTheSpacingFromTheDecision_NotFromTheEndOfTheCollection()
    {
        var time = new FakeTimeProvider();
        var rule = new MemoryReturnRule(time, Spacing);
        Assert.True(rule.ShouldReturn(committedBytes: 400 * MiB, liveBytes: 100 * MiB));
        time.Advance(TimeSpan.FromSeconds(1)); // the collection's pause
        rule.Returned(committedBytes: 100 * MiB, liveBytes: 100 * MiB);

        time.Advance(Spacing - TimeSpan.FromSeconds(1)); // the next periodic check, one spacing after the decision
        Assert.True(rule.ShouldReturn(committedBytes: 400 * MiB, liveBytes: 100 * MiB));
    }
}
