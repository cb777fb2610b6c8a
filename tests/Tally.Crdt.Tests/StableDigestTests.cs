namespace Tally.Crdt.Tests;

/// <summary>Digests are compared between replicas, which may run different builds on different machines: the hash of
/// a video, its bucket and the root must be the same everywhere. These pin them to values computed outside .NET from
/// the published algorithms (FNV-1a 64, SplitMix64's finalizer) and the layout documented in <see cref="MapDigest"/>,
/// so a change to any of them fails here instead of making every repair between old and new nodes resend everything.</summary>
public class StableDigestTests
{
    [Fact]
    public void Mix_IsTheSplitMix64Finalizer()
    {
        // SplitMix64 seeded with 0 returns Mix(0x9e3779b97f4a7c15) first: 0xe220a8397b1dcdaf (Steele, Lea, Flood 2014).
        Assert.Equal(0xe220a8397b1dcdafUL, StableHash.Mix(0x9e3779b97f4a7c15UL));
        Assert.Equal(0UL, StableHash.Mix(0));
    }

    [Fact]
    public void Of_IsFnv1aThenMix()
    {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the reference test vectors); "" is the offset basis.
        Assert.Equal(StableHash.Mix(0xaf63dc4c8601ec8cUL), StableHash.Of("a"));
        Assert.Equal(StableHash.Mix(14695981039346656037UL), StableHash.Of(""));
        Assert.Equal(0x02c0bdbf481420f8UL, StableHash.Of("a"));
        Assert.Equal(0x3c01dc6891611860UL, StableHash.Of("v1"));
    }

    static CounterMap Sample()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("v1"), ReplicaId.Parse("n1"), 5);
        map.Increment(VideoId.Parse("v1"), ReplicaId.Parse("n2"), 3);
        map.Increment(VideoId.Parse("dQw4w9WgXcQ"), ReplicaId.Parse("n2"), 1);
        map.Increment(VideoId.Parse("ch:42~x"), ReplicaId.Parse("n1"), 1UL << 40);
        map.Increment(VideoId.Parse("ch:42~x"), ReplicaId.Parse("node-a"), 7);
        return map;
    }

    [Fact]
    public void Digest_GivesTheDocumentedBucketsAndRoot_ForAKnownMap()
    {
        var four = Sample().Digest(4);
        Assert.Equal([0x60560b4ef83e09d0UL, 0xf61e3ba5fb683181UL, 0UL, 0xd4ceebd7bad6bc9dUL], four.Buckets.ToArray());
        Assert.Equal(0x4180e3d3fa4cef37UL, four.Root);
        Assert.Equal(0x6ba62b771e8a117cUL, Sample().Digest(1).Root);
        Assert.Equal(0x9c3d9e75a340f68cUL, Sample().Digest(16).Root);
    }

    [Fact]
    public void BucketOf_TakesBitsFortyUpOfTheStableHash()
    {
        Assert.Equal(12, MapDigest.BucketOf(VideoId.Parse("v1"), 16));
        Assert.Equal(13, MapDigest.BucketOf(VideoId.Parse("dQw4w9WgXcQ"), 16));
        Assert.Equal(7, MapDigest.BucketOf(VideoId.Parse("ch:42~x"), 16));
        Assert.Equal((int)(StableHash.Of("v1") >> 40) & 0xffff, MapDigest.BucketOf(VideoId.Parse("v1"), MapDigest.MaxBucketCount));
    }
}
