using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>Examples of the error cases of <see cref="CounterMap"/>: a refused change leaves the state, the version
/// and the encoding as they were.</summary>
public class CounterMapErrorTests
{
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");
    static readonly ReplicaId N2 = ReplicaId.Parse("n2");
    static readonly VideoId V = VideoId.Parse("v");
    static readonly VideoId W = VideoId.Parse("w");

    static CounterMap With(params (VideoId Video, ReplicaId Replica, ulong Value)[] entries)
    {
        var map = new CounterMap();
        foreach (var (video, replica, value) in entries)
        {
            map.Increment(video, replica, value);
        }
        return map;
    }

    static void AssertUnchanged(CounterMap before, CounterMap after, string what)
    {
        Assert.True(after.SameStateAs(before), $"{what} must leave the state as it was");
        Assert.True(after.Version == before.Version && after.Count == before.Count, $"{what} must leave the version and count as they were");
        Assert.True(CrdtBinary.Encode(after).AsSpan().SequenceEqual(CrdtBinary.Encode(before)), $"{what} must leave the encoding as it was");
    }

    [Fact]
    public void RaiseTo_ThrowsRegressionAndChangesNothing_WhenValueIsLower()
    {
        var map = With((V, N1, 5));
        var before = map.Clone();
        var e = Assert.Throws<CounterRegressionException>(() => map.RaiseTo(V, N1, 4));
        Assert.True(e.Replica == N1 && e.Current == 5 && e.Requested == 4, "the exception must name the replica, the entry and the request");
        AssertUnchanged(before, map, "a refused RaiseTo");
    }

    [Fact]
    public void RaiseTo_ChangesNothing_WhenValueIsEqual()
    {
        var map = With((V, N1, 5));
        var before = map.Clone();
        Assert.Equal(5UL, map.RaiseTo(V, N1, 5));
        Assert.Equal(0UL, map.RaiseTo(W, N1, 0));
        AssertUnchanged(before, map, "RaiseTo to the current entry");
    }

    [Fact]
    public void Increment_DoesNotCreateVideo_WhenAmountIsZero()
    {
        var map = With((V, N1, 5));
        var before = map.Clone();
        Assert.Equal(0UL, map.Increment(W, N1, 0));
        Assert.Equal(5UL, map.Increment(V, N1, 0));
        Assert.False(map.Contains(W), "an increment by 0 must not create a video");
        AssertUnchanged(before, map, "an increment by 0");
        Assert.Equal(0, CounterMap.Single(W, N1, 0).Count);
    }

    [Fact]
    public void Increment_ThrowsOverflowAndChangesNothing_WhenEntryWouldPassMax()
    {
        var map = With((V, N1, ulong.MaxValue));
        var before = map.Clone();
        Assert.Throws<CounterOverflowException>(() => map.Increment(V, N1, 1));
        AssertUnchanged(before, map, "a refused Increment");
    }

    [Fact]
    public void Increment_ThrowsOverflowAndChangesNothing_WhenSumWouldPassMax()
    {
        var map = With((V, N1, ulong.MaxValue - 1), (W, N2, 1));
        var before = map.Clone();
        Assert.Throws<CounterOverflowException>(() => map.Increment(V, N2, 2));
        Assert.Throws<CounterOverflowException>(() => map.RaiseTo(V, N2, 2));
        AssertUnchanged(before, map, "a refused Increment or RaiseTo");
        map.Increment(V, N2, 1);
        Assert.True(map.ValueOf(V) == ulong.MaxValue, "an increment up to exactly 2^64-1 must be allowed");
    }

    [Fact]
    public void Merge_ThrowsOverflowAndLeavesThatVideoAsItWas_WhenItsSumWouldPassMax()
    {
        var a = With((V, N1, ulong.MaxValue), (W, N1, 1));
        var b = With((V, N2, 1), (W, N1, 7), (VideoId.Parse("x"), N2, 3));
        var bBefore = b.Clone();
        var mark = a.Version;
        var e = Assert.Throws<CounterOverflowException>(() => a.Merge(b));
        Assert.Contains("'v'", e.Message, StringComparison.Ordinal);
        Assert.True(a.Get(V).Equals(GCounter.Empty.Increment(N1, ulong.MaxValue)), "the overflowing video must be left as it was");
        Assert.True(a.ValueOf(W) == 7 && a.ValueOf(VideoId.Parse("x")) == 3, "the other videos must still be merged");
        Assert.True(a.TryGetDeltaSince(mark, int.MaxValue, out var delta) && !delta.Contains(V), "the overflowing video must not be stamped as changed");
        AssertUnchanged(bBefore, b, "merging b into a");
    }

    [Fact]
    public void Merge_ThrowsOverflowAndChangesNothing_WhenTheOnlyVideoWouldPassMax()
    {
        var a = With((V, N1, ulong.MaxValue));
        var before = a.Clone();
        Assert.Throws<CounterOverflowException>(() => a.Merge(With((V, N2, 1))));
        AssertUnchanged(before, a, "a refused Merge");
    }

    [Fact]
    public void Increment_ThrowsArgumentExceptionAndChangesNothing_ForDefaultIds()
    {
        var map = With((V, N1, 1));
        var before = map.Clone();
        var e = Assert.Throws<ArgumentException>(() => map.Increment(default, N1));
        Assert.Contains("VideoId.Parse", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => map.Increment(V, default));
        Assert.Throws<ArgumentException>(() => map.Increment(V, default, 0));
        Assert.Throws<ArgumentException>(() => map.RaiseTo(default, N1, 1));
        Assert.Throws<ArgumentException>(() => CounterMap.Single(V, default, 1));
        AssertUnchanged(before, map, "a refused call with a default id");
        Assert.True(map.EntryOf(default, N1) == 0 && map.ValueOf(default) == 0 && map.Get(default) == GCounter.Empty, "reads of a default id must find nothing");
    }

    [Fact]
    public void Merge_ReturnsZero_ForItselfAndAnEmptyMap()
    {
        var map = With((V, N1, 1));
        Assert.Equal(0, map.Merge(map));
        Assert.Equal(0, map.Merge(new CounterMap()));
        Assert.Throws<ArgumentNullException>(() => map.Merge(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CounterMap(-1));
    }
}
