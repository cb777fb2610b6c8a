namespace Tally.Crdt;

public sealed partial class CounterMap
{
    MapDigest? _digest;
    long _digestVersion = -1;

    /// <summary>The anti-entropy digest of this map. Cached until the next change.</summary>
    public MapDigest Digest(int bucketCount = 1024)
    {
        if (_digest is not null && _digestVersion == Version && _digest.BucketCount == bucketCount)
        {
            return _digest;
        }
        if (bucketCount <= 0 || bucketCount > MapDigest.MaxBucketCount || !int.IsPow2(bucketCount))
        {
            throw new ArgumentOutOfRangeException(nameof(bucketCount), bucketCount, "Use a power of two up to 65536.");
        }
        var replicaHashes = _replicas.Select(r => StableHash.Of(r.Value)).ToArray();
        var buckets = new ulong[bucketCount];
        for (var slot = 0; slot < _count; slot++)
        {
            var keyHash = StableHash.Of(_keys[slot]);
            buckets[MapDigest.BucketOf(keyHash, bucketCount)] += RowHash(keyHash, slot, replicaHashes);
        }
        _digestVersion = Version;
        return _digest = new MapDigest(buckets);
    }

    /// <summary>The videos that fall in the given buckets, with all their entries, as a map to send to a peer whose
    /// digest differs there. Takes whole buckets, in the order given, while they fit in <paramref name="maxVideos"/>
    /// (a first bucket larger than that is cut to it), and returns false when it left any video out; what was taken is
    /// still a valid delta.</summary>
    /// <remarks>Whole buckets are what lets a repair larger than the limit make progress: once the peer merges them
    /// they compare equal, and the next digest names only the rest. Taking the first videos in slot order instead sent
    /// the same videos, spread over every bucket, in every repair, so no bucket ever matched and the repair never
    /// finished.</remarks>
    public bool TrySliceBuckets(IReadOnlyCollection<int> buckets, int bucketCount, int maxVideos, out CounterMap slice)
    {
        var position = new int[bucketCount]; // 1 + the bucket's place in the given order; 0 for buckets not wanted
        var wanted = 0;
        foreach (var b in buckets)
        {
            if (position[b] == 0)
            {
                position[b] = ++wanted;
            }
        }
        var members = new List<int>?[wanted];
        for (var slot = 0; slot < _count; slot++)
        {
            var p = position[MapDigest.BucketOf(StableHash.Of(_keys[slot]), bucketCount)];
            if (p != 0)
            {
                (members[p - 1] ??= []).Add(slot);
            }
        }
        var slots = new List<int>();
        var complete = true;
        foreach (var bucket in members)
        {
            if (bucket is null)
            {
                continue;
            }
            if (slots.Count + bucket.Count > maxVideos)
            {
                complete = false;
                if (slots.Count == 0)
                {
                    slots.AddRange(bucket.Take(maxVideos));
                }
                break;
            }
            slots.AddRange(bucket);
        }
        slice = new CounterMap(slots.Count);
        slice.CopyRowsFrom(this, slots);
        return complete;
    }

    /// <summary>An order-independent hash of one video: its key and every positive entry, keyed by replica id (not
    /// column, which differs between maps).</summary>
    ulong RowHash(ulong keyHash, int slot, ulong[] replicaHashes)
    {
        var row = Row(slot);
        var hash = keyHash;
        for (var c = 0; c < replicaHashes.Length; c++)
        {
            if (row[c] != 0)
            {
                hash += StableHash.Mix(replicaHashes[c] ^ StableHash.Mix(row[c]));
            }
        }
        return StableHash.Mix(hash);
    }
}
