namespace Tally.Crdt.Tests;

/// <summary><see cref="CounterMap.TrySliceBuckets"/> over a limit: whole buckets in the order asked, while they fit;
/// a first bucket larger than the limit is cut to it; a bucket asked twice is sent once.</summary>
public class SliceTests
{
    const int Buckets = 16;
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");
    static readonly ReplicaId N2 = ReplicaId.Parse("n2");

    static (CounterMap Map, List<VideoId>[] ByBucket) MapOverBuckets()
    {
        var map = new CounterMap();
        var byBucket = Enumerable.Range(0, Buckets).Select(_ => new List<VideoId>()).ToArray();
        for (var i = 0; i < 400; i++)
        {
            var video = VideoId.Parse($"v{i}");
            map.Increment(video, N1, (ulong)i + 1);
            map.Increment(video, N2, 2);
            byBucket[MapDigest.BucketOf(video, Buckets)].Add(video);
        }
        return (map, byBucket);
    }

    /// <summary>Three distinct non-empty buckets, the last one the smallest.</summary>
    static int[] ThreeBuckets(List<VideoId>[] byBucket) =>
        [.. Enumerable.Range(0, Buckets).Where(b => byBucket[b].Count > 0).OrderByDescending(b => byBucket[b].Count).Take(3)];

    static void AssertHoldsExactly(CounterMap map, CounterMap slice, IEnumerable<VideoId> expected, string what)
    {
        var want = expected.ToHashSet();
        Assert.True(slice.Count == want.Count && want.All(slice.Contains), $"{what}: the slice must hold exactly {want.Count} videos, holds {slice.Count}");
        Assert.True(want.All(v => slice.Get(v).Equals(map.Get(v))), $"{what}: every video must carry all its entries");
    }

    [Fact]
    public void TrySliceBuckets_TakesBucketsInTheOrderAsked_WhileTheyFit()
    {
        var (map, byBucket) = MapOverBuckets();
        var (a, b, c) = (ThreeBuckets(byBucket)[1], ThreeBuckets(byBucket)[0], ThreeBuckets(byBucket)[2]);
        var two = byBucket[a].Count + byBucket[b].Count;

        Assert.False(map.TrySliceBuckets([a, b, c], Buckets, two, out var slice), "a bucket was left out");
        AssertHoldsExactly(map, slice, byBucket[a].Concat(byBucket[b]), "the first two buckets fit exactly");

        Assert.True(map.TrySliceBuckets([a, b, c], Buckets, two + byBucket[c].Count, out slice), "all three fit");
        AssertHoldsExactly(map, slice, byBucket[a].Concat(byBucket[b]).Concat(byBucket[c]), "all three buckets");
    }

    [Fact]
    public void TrySliceBuckets_StopsAtTheFirstBucketThatDoesNotFit_EvenIfALaterOneWould()
    {
        var (map, byBucket) = MapOverBuckets();
        var three = ThreeBuckets(byBucket); // largest first, smallest last
        var limit = byBucket[three[1]].Count + byBucket[three[2]].Count;
        Assert.True(byBucket[three[1]].Count + byBucket[three[0]].Count > limit, "the second bucket must not fit for this test");
        Assert.False(map.TrySliceBuckets([three[1], three[0], three[2]], Buckets, limit, out var slice), "buckets were left out");
        AssertHoldsExactly(map, slice, byBucket[three[1]], "only the first bucket: the next does not fit, and order is kept");
    }

    [Fact]
    public void TrySliceBuckets_CutsAFirstBucketLargerThanTheLimit()
    {
        var (map, byBucket) = MapOverBuckets();
        var largest = ThreeBuckets(byBucket)[0];
        var limit = byBucket[largest].Count - 1;
        Assert.False(map.TrySliceBuckets([largest, ThreeBuckets(byBucket)[2]], Buckets, limit, out var slice), "the first bucket was cut");
        Assert.True(slice.Count == limit && slice.Videos.All(byBucket[largest].Contains), $"the slice must hold {limit} videos of the first bucket");
        Assert.True(slice.Videos.All(v => slice.Get(v).Equals(map.Get(v))), "a cut bucket's videos still carry all their entries");
    }

    [Fact]
    public void TrySliceBuckets_TakesABucketAskedTwiceOnce()
    {
        var (map, byBucket) = MapOverBuckets();
        var (a, b) = (ThreeBuckets(byBucket)[0], ThreeBuckets(byBucket)[1]);
        var limit = byBucket[a].Count + byBucket[b].Count;
        Assert.True(map.TrySliceBuckets([a, a, b, a], Buckets, limit, out var slice), "two distinct buckets fit");
        AssertHoldsExactly(map, slice, byBucket[a].Concat(byBucket[b]), "each bucket once");
        Assert.True(map.TrySliceBuckets([], Buckets, 0, out slice) && slice.Count == 0, "no bucket asked: an empty, complete slice");
    }
}
