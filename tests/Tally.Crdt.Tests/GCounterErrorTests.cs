namespace Tally.Crdt.Tests;

/// <summary>Examples of the error cases of <see cref="GCounter"/>: it never goes down, never wraps, and refuses
/// default ids. Being immutable, a failed call leaves every instance as it was.</summary>
public class GCounterErrorTests
{
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");
    static readonly ReplicaId N2 = ReplicaId.Parse("n2");

    [Fact]
    public void RaiseTo_ThrowsRegression_WhenValueIsLower()
    {
        var counter = GCounter.Empty.Increment(N1, 5);
        var e = Assert.Throws<CounterRegressionException>(() => counter.RaiseTo(N1, 4));
        Assert.True(e.Replica == N1 && e.Current == 5 && e.Requested == 4, "the exception must name the replica, the entry and the request");
        Assert.True(counter.EntryOf(N1) == 5 && counter.Value == 5, "a refused RaiseTo must change nothing");
    }

    [Fact]
    public void RaiseTo_ReturnsSameInstance_WhenValueIsEqual()
    {
        var counter = GCounter.Empty.Increment(N1, 5);
        Assert.Same(counter, counter.RaiseTo(N1, 5));
        Assert.Same(GCounter.Empty, GCounter.Empty.RaiseTo(N1, 0));
    }

    [Fact]
    public void Increment_ReturnsSameInstance_WhenAmountIsZero()
    {
        var counter = GCounter.Empty.Increment(N1, 5);
        Assert.Same(counter, counter.Increment(N2, 0));
        Assert.Equal(0UL, counter.EntryOf(N2));
    }

    [Fact]
    public void Increment_ThrowsOverflow_WhenEntryWouldPassMax()
    {
        var counter = GCounter.Empty.Increment(N1, ulong.MaxValue);
        Assert.Throws<CounterOverflowException>(() => counter.Increment(N1, 1));
        Assert.True(counter.Value == ulong.MaxValue && counter.Count == 1, "a refused Increment must change nothing");
    }

    [Fact]
    public void Increment_ThrowsOverflow_WhenSumWouldPassMax()
    {
        var counter = GCounter.Empty.Increment(N1, ulong.MaxValue - 1);
        Assert.Throws<CounterOverflowException>(() => counter.Increment(N2, 2));
        Assert.Throws<CounterOverflowException>(() => counter.RaiseTo(N2, 2));
        Assert.True(counter.EntryOf(N2) == 0 && counter.Count == 1, "a refused change must change nothing");
        Assert.Equal(ulong.MaxValue, counter.Increment(N2, 1).Value);
    }

    [Fact]
    public void Merge_ThrowsOverflow_WhenSumWouldPassMax()
    {
        var a = GCounter.Empty.Increment(N1, ulong.MaxValue);
        var b = GCounter.Empty.Increment(N2, 1);
        Assert.Throws<CounterOverflowException>(() => a.Merge(b));
        Assert.Throws<CounterOverflowException>(() => b.Merge(a));
        Assert.True(a.Value == ulong.MaxValue && b.Value == 1, "a refused Merge must change neither side");
    }

    [Fact]
    public void FromEntries_Throws_ForDuplicateReplicaOrOverflowingSum()
    {
        Assert.Throws<ArgumentException>(() => GCounter.FromEntries([new(N1, 1), new(N2, 1), new(N1, 2)]));
        Assert.Throws<CounterOverflowException>(() => GCounter.FromEntries([new(N1, ulong.MaxValue), new(N2, 1)]));
        Assert.Same(GCounter.Empty, GCounter.FromEntries([new(N1, 0)]));
    }

    [Fact]
    public void Increment_ThrowsArgumentException_ForDefaultReplica()
    {
        var e = Assert.Throws<ArgumentException>(() => GCounter.Empty.Increment(default, 1));
        Assert.Contains("ReplicaId.Parse", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => GCounter.Empty.RaiseTo(default, 1));
        Assert.Throws<ArgumentException>(() => GCounter.FromEntries([new(default, 1)]));
    }
}
