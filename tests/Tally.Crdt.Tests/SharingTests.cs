namespace Tally.Crdt.Tests;

/// <summary>What the immutable <see cref="GCounter"/> promises besides its state: a merge that adds nothing hands back
/// an existing instance (no allocation on the gossip path), and the text forms name every entry.</summary>
public class SharingTests
{
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");
    static readonly ReplicaId N2 = ReplicaId.Parse("n2");
    static readonly ReplicaId N3 = ReplicaId.Parse("n3");

    [Fact]
    public void Merge_ReturnsAnOperand_WhenItContainsTheOther()
    {
        var big = GCounter.Empty.Increment(N1, 5).Increment(N2, 3);
        var small = GCounter.Empty.Increment(N1, 2);
        Assert.Same(big, big.Merge(small));
        Assert.Same(big, small.Merge(big));
        Assert.Same(big, big.Merge(GCounter.Empty));
        Assert.Same(big, GCounter.Empty.Merge(big));
        Assert.Same(big, big.Merge(big));
        var equal = GCounter.Empty.Increment(N2, 3).Increment(N1, 5);
        Assert.Same(big, big.Merge(equal));
        var sharesAnEntry = GCounter.Empty.Increment(N1, 5);
        Assert.Same(big, sharesAnEntry.Merge(big));
        Assert.Same(big, big.Merge(sharesAnEntry));
    }

    [Fact]
    public void RaiseTo_TakesEntryMaxExactly_AndReturnsThis_ForAnEqualEntryAboveIt()
    {
        Assert.Equal(GCounter.EntryMax, GCounter.Empty.RaiseTo(N1, GCounter.EntryMax).EntryOf(N1));
        Assert.Throws<CounterOverflowException>(() => GCounter.Empty.RaiseTo(N1, GCounter.EntryMax + 1));
        // An entry above EntryMax can only come from a peer or a file (FromEntries, Merge); raising it to itself changes nothing.
        var merged = GCounter.FromEntries([KeyValuePair.Create(N1, ulong.MaxValue)]);
        Assert.Same(merged, merged.RaiseTo(N1, ulong.MaxValue));
    }

    [Fact]
    public void GetHashCode_DiffersForCountersThatDifferInOneReplicaOrOneValue()
    {
        var byReplica = Enumerable.Range(0, 100).Select(i => GCounter.Empty.Increment(ReplicaId.Parse($"n{i}"), 1).GetHashCode()).Distinct().Count();
        var byValue = Enumerable.Range(1, 100).Select(i => GCounter.Empty.Increment(N1, (ulong)i).GetHashCode()).Distinct().Count();
        Assert.True(byReplica > 90 && byValue > 90, $"100 different counters must spread over hashes; by replica {byReplica}, by value {byValue} distinct");
        Assert.NotEqual(GCounter.Empty.GetHashCode(), GCounter.Empty.Increment(N1, 1).GetHashCode());
    }

    [Fact]
    public void Merge_MakesANewCounter_WhenEachHasAnEntryAboveTheOther()
    {
        var a = GCounter.Empty.Increment(N1, 5).Increment(N2, 1);
        var b = GCounter.Empty.Increment(N2, 4).Increment(N3, 2);
        var merged = a.Merge(b);
        Assert.True(!ReferenceEquals(merged, a) && !ReferenceEquals(merged, b), "neither operand holds the join");
        Assert.Equal([KeyValuePair.Create(N1, 5UL), KeyValuePair.Create(N2, 4UL), KeyValuePair.Create(N3, 2UL)], merged.Entries);
        Assert.Equal(11UL, (ulong)merged.Value);
        Assert.Equal(3, merged.Count);
    }

    [Fact]
    public void ToString_NamesTheValueAndEveryEntry()
    {
        var counter = GCounter.Empty.Increment(N2, 3).Increment(N1, 5);
        Assert.Equal("GCounter(8: n1=5, n2=3)", counter.ToString());
        Assert.Equal("GCounter(0: )", GCounter.Empty.ToString());
    }

    [Fact]
    public void ToString_NamesTheSizeAndVersionOfAMap()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("v"), N1);
        map.Increment(VideoId.Parse("w"), N2);
        map.Increment(VideoId.Parse("v"), N2);
        Assert.Equal("CounterMap(2 videos, 2 replicas, version 3)", map.ToString());
    }

    [Fact]
    public void Digest_IsComputedAgain_ForAnotherBucketCount()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("v"), N1);
        var sixteen = map.Digest(16);
        Assert.Same(sixteen, map.Digest(16));
        var thirtyTwo = map.Digest(32);
        Assert.Equal(32, thirtyTwo.BucketCount);
        Assert.Equal(MapDigest.MaxBucketCount, map.Digest(MapDigest.MaxBucketCount).BucketCount);
        Assert.Equal(1, map.Digest(1).BucketCount);
        Assert.Equal(16, map.Digest(16).BucketCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(MapDigest.MaxBucketCount * 2)]
    public void MapDigest_Throws_ForABucketCountNotAPowerOfTwoInRange(int buckets) =>
        Assert.Throws<ArgumentException>(() => new MapDigest(new ulong[buckets]));

    [Fact]
    public void MapDigest_TakesOneAndTheMaximumBucketCount()
    {
        Assert.Equal(1, new MapDigest(new ulong[1]).BucketCount);
        Assert.Equal(MapDigest.MaxBucketCount, new MapDigest(new ulong[MapDigest.MaxBucketCount]).BucketCount);
    }

    [Fact]
    public void DifferingBuckets_NamesExactlyTheBucketsThatDiffer()
    {
        var a = new MapDigest([1, 2, 3, 4]);
        var b = new MapDigest([1, 9, 3, 8]);
        Assert.Equal([1, 3], a.DifferingBuckets(b));
        Assert.Empty(a.DifferingBuckets(new MapDigest([1, 2, 3, 4])));
        Assert.NotEqual(a.Root, b.Root);
    }
}
