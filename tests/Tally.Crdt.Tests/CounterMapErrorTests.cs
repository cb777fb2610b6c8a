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
            map.Join(video, replica, value); // any entry, as a peer or a file may hold it
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
    public void Increment_ThrowsOverflowAndChangesNothing_WhenEntryWouldPassEntryMax()
    {
        var map = With((V, N1, GCounter.EntryMax));
        var before = map.Clone();
        Assert.Throws<CounterOverflowException>(() => map.Increment(V, N1, 1));
        Assert.Throws<CounterOverflowException>(() => map.RaiseTo(V, N1, GCounter.EntryMax + 1));
        Assert.Throws<CounterOverflowException>(() => map.Increment(W, N1, GCounter.EntryMax + 1));
        Assert.Throws<CounterOverflowException>(() => map.RaiseTo(W, N2, ulong.MaxValue));
        AssertUnchanged(before, map, "a refused Increment or RaiseTo (also of a new video)");
        Assert.Equal(GCounter.EntryMax, map.Increment(W, N1, GCounter.EntryMax));
    }

    [Fact]
    public void Increment_AddsExactly_WhenAnotherEntryIsAtUlongMax()
    {
        var map = With((V, N1, ulong.MaxValue), (W, N2, 1));
        Assert.Equal(2UL, map.Increment(V, N2, 2));
        Assert.Equal(7UL, map.RaiseTo(V, N2, 7));
        Assert.Equal((UInt128)ulong.MaxValue + 7, map.ValueOf(V));
    }

    [Fact]
    public void Merge_TakesEveryVideoExactly_WhenSumsPass2To64()
    {
        var a = With((V, N1, ulong.MaxValue), (W, N1, 1));
        var b = With((V, N2, ulong.MaxValue), (W, N1, 7), (VideoId.Parse("x"), N2, 3));
        var bBefore = b.Clone();
        Assert.Equal(3, a.Merge(b));
        Assert.Equal(2 * (UInt128)ulong.MaxValue, a.ValueOf(V));
        Assert.True(a.ValueOf(W) == 7 && a.ValueOf(VideoId.Parse("x")) == 3, "the other videos must be merged too");
        AssertUnchanged(bBefore, b, "merging b into a");
        Assert.Equal(0, a.Merge(b));
    }

    [Fact]
    public void Join_TakesTheMaxOfOneEntry_ForAnyUlong()
    {
        var map = With((V, N1, 5));
        Assert.Equal(5UL, map.Join(V, N1, 3));
        Assert.Equal(0UL, map.Join(W, N1, 0));
        Assert.False(map.Contains(W), "joining 0 must not create a video");
        var version = map.Version;
        Assert.Equal(ulong.MaxValue, map.Join(V, N2, ulong.MaxValue));
        Assert.True(map.Version > version && map.ValueOf(V) == (UInt128)ulong.MaxValue + 5, "a rising join must stamp the video and count exactly");
        Assert.Throws<ArgumentException>(() => map.Join(default, N1, 1));
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
