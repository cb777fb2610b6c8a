namespace Tally.Crdt.Tests;

/// <summary>Examples of the error cases of <see cref="GCounter"/>: it never goes down, no request passes
/// <see cref="GCounter.EntryMax"/>, sums never wrap, merges never fail, and it refuses
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
    public void Increment_ThrowsOverflowAndChangesNothing_WhenEntryWouldPassEntryMax()
    {
        var counter = GCounter.Empty.Increment(N1, GCounter.EntryMax - 1).Increment(N1, 1);
        Assert.Throws<CounterOverflowException>(() => counter.Increment(N1, 1));
        Assert.Throws<CounterOverflowException>(() => counter.RaiseTo(N1, GCounter.EntryMax + 1));
        Assert.Throws<CounterOverflowException>(() => GCounter.Empty.Increment(N2, GCounter.EntryMax + 1));
        Assert.Throws<CounterOverflowException>(() => GCounter.Empty.RaiseTo(N2, ulong.MaxValue));
        Assert.True(counter.Value == GCounter.EntryMax && counter.Count == 1, "a refused Increment or RaiseTo must change nothing");
        Assert.Same(counter, counter.RaiseTo(N1, GCounter.EntryMax));
    }

    [Fact]
    public void Increment_CountsExactlyPast2To64_WhenAnotherEntryIsAtUlongMax()
    {
        // Only the incremented entry is limited: another replica's entry (here at the edge of what a merge takes)
        // never stops a view, and the sum is exact past 2^64.
        var counter = GCounter.FromEntries([new(N1, ulong.MaxValue)]);
        var raised = counter.Increment(N2, 2).RaiseTo(N2, 5);
        Assert.Equal((UInt128)ulong.MaxValue + 5, raised.Value);
    }

    [Fact]
    public void Merge_IsExactAndNeverThrows_WhenEntriesAreAtUlongMax()
    {
        var a = GCounter.FromEntries([new(N1, ulong.MaxValue)]);
        var b = GCounter.FromEntries([new(N2, ulong.MaxValue), new(N1, 1)]);
        var ab = a.Merge(b);
        Assert.Equal(2 * (UInt128)ulong.MaxValue, ab.Value);
        Assert.True(ab.Equals(b.Merge(a)), "the merge must be commutative at the edge too");
        Assert.True(a.Value == ulong.MaxValue && b.Value == (UInt128)ulong.MaxValue + 1, "a merge must change neither side");
    }

    [Fact]
    public void FromEntries_Throws_ForDuplicateReplicaOnly()
    {
        Assert.Throws<ArgumentException>(() => GCounter.FromEntries([new(N1, 1), new(N2, 1), new(N1, 2)]));
        Assert.Equal(2 * (UInt128)ulong.MaxValue, GCounter.FromEntries([new(N1, ulong.MaxValue), new(N2, ulong.MaxValue)]).Value);
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
