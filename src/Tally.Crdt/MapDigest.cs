namespace Tally.Crdt;

/// <summary>A summary of a <see cref="CounterMap"/> for anti-entropy: videos are spread over
/// <see cref="BucketCount"/> buckets by a stable hash of their id, each bucket holds an order-independent sum of its
/// videos' hashes, and <see cref="Root"/> hashes the buckets. Equal states give equal digests; two replicas compare
/// roots first (8 bytes), then buckets, then exchange only the videos of differing buckets.</summary>
public sealed class MapDigest
{
    public const int MaxBucketCount = 1 << 16;

    readonly ulong[] _buckets;

    public MapDigest(ulong[] buckets)
    {
        if (buckets.Length == 0 || buckets.Length > MaxBucketCount || !int.IsPow2(buckets.Length))
        {
            throw new ArgumentException($"Bucket count must be a power of two from 1 to {MaxBucketCount}.", nameof(buckets));
        }
        _buckets = buckets;
        var root = (ulong)buckets.Length;
        foreach (var b in buckets)
        {
            root = StableHash.Mix(root ^ b) + 0x9e3779b97f4a7c15UL;
        }
        Root = root;
    }

    public int BucketCount => _buckets.Length;

    public ulong Root { get; }

    public ReadOnlySpan<ulong> Buckets => _buckets;

    /// <summary>Bucket numbers whose hashes differ. Both digests must have the same bucket count.</summary>
    public IReadOnlyList<int> DifferingBuckets(MapDigest other)
    {
        if (other.BucketCount != BucketCount)
        {
            throw new ArgumentException($"Digests have {BucketCount} and {other.BucketCount} buckets.", nameof(other));
        }
        var differing = new List<int>();
        for (var i = 0; i < _buckets.Length; i++)
        {
            if (_buckets[i] != other._buckets[i])
            {
                differing.Add(i);
            }
        }
        return differing;
    }

    /// <summary>The bucket a video falls in, for a digest of <paramref name="bucketCount"/> buckets.</summary>
    public static int BucketOf(VideoId video, int bucketCount) => BucketOf(StableHash.Of(video.Value), bucketCount);

    internal static int BucketOf(ulong keyHash, int bucketCount) => (int)(keyHash >> 40) & (bucketCount - 1);
}
