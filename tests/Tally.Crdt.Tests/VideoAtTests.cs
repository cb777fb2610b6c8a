namespace Tally.Crdt.Tests;

public class VideoAtTests
{
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");
    static readonly ReplicaId N2 = ReplicaId.Parse("n2");

    [Fact]
    public void VideoAt_GivesVideosInFirstArrivalOrder_AfterIncrementsJoinsAndMerges()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("c"), N1);
        map.Join(VideoId.Parse("a"), N2, 5);
        map.Increment(VideoId.Parse("c"), N2); // known: keeps its slot
        var other = new CounterMap();
        other.Increment(VideoId.Parse("b"), N2);
        other.Increment(VideoId.Parse("a"), N2, 9);
        map.Merge(other);
        Assert.Equal(["c", "a", "b"], Enumerable.Range(0, map.Count).Select(s => map.VideoAt(s).Value));
    }

    [Fact]
    public void VideoAt_Throws_ForASlotOutsideTheMap()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("a"), N1);
        Assert.Throws<ArgumentOutOfRangeException>(() => map.VideoAt(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.VideoAt(-1));
    }

    [Fact]
    public void VideoAt_KeepsSlots_WhenAnIncrementOfANewVideoOverflowsAndIsUndone()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("a"), N1);
        map.Join(VideoId.Parse("b"), N1, GCounter.EntryMax);
        Assert.Throws<CounterOverflowException>(() => map.Increment(VideoId.Parse("b"), N1));
        Assert.Throws<CounterOverflowException>(() => map.Increment(VideoId.Parse("z"), N1, GCounter.EntryMax + 1));
        Assert.Equal(2, map.Count);
        Assert.Equal(["a", "b"], Enumerable.Range(0, map.Count).Select(s => map.VideoAt(s).Value));
    }
}
