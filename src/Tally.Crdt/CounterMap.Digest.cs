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
    /// digest differs there. Stops with false after <paramref name="maxVideos"/> videos; what was taken is still a
    /// valid delta.</summary>
    public bool TrySliceBuckets(IReadOnlyCollection<int> buckets, int bucketCount, int maxVideos, out CounterMap slice)
    {
        var wanted = new bool[bucketCount];
        foreach (var b in buckets)
        {
            wanted[b] = true;
        }
        var slots = new List<int>();
        var complete = true;
        for (var slot = 0; slot < _count; slot++)
        {
            if (wanted[MapDigest.BucketOf(StableHash.Of(_keys[slot]), bucketCount)])
            {
                if (slots.Count == maxVideos)
                {
                    complete = false;
                    break;
                }
                slots.Add(slot);
            }
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
