namespace Tally.Crdt.Tests;

public class DeltaReplicaTests
{
    [Fact]
    public void TryGetDeltaSince_HoldsOnlyReplicasWithEntries_WhenTheMapKnowsManyReplicas()
    {
        // 1000 replicas; 200 under Stryker, where it runs once per mutant of CounterMap (still far more than 2).
        var replicas = MutationRun.Scale(full: 1000, underMutation: 200);
        var map = new CounterMap();
        for (var i = 0; i < replicas; i++)
        {
            map.Increment(VideoId.Parse($"video{i}"), ReplicaId.Parse($"n{i}"));
        }
        var mark = map.Version;
        var changed = VideoId.Parse("video7");
        var last = ReplicaId.Parse($"n{replicas - 1}");
        map.Increment(changed, ReplicaId.Parse("n7"));
        map.Increment(changed, last);

        Assert.True(map.TryGetDeltaSince(mark, int.MaxValue, out var delta), "an unlimited delta must be returned");
        Assert.True(delta.Replicas.Count == 2, $"a delta of one video must carry only that video's 2 replicas, not all {replicas} (carries {delta.Replicas.Count})");
        Assert.Equal(2UL, delta.EntryOf(changed, ReplicaId.Parse("n7")));
        Assert.Equal(1UL, delta.EntryOf(changed, last));
        Assert.True(map.TrySliceBuckets([0], 1, int.MaxValue, out var whole), "a slice of the only bucket must be complete");
        Assert.True(whole.SameStateAs(map) && whole.Replicas.Count == replicas, "a slice of everything must still hold every replica");
    }

    [Fact]
    public void TrySliceBuckets_OverTheLimit_TakesWholeBucketsSoRepeatedRepairsFinish()
    {
        var (a, b) = (new CounterMap(), new CounterMap());
        for (var i = 0; i < 1000; i++)
        {
            a.Increment(VideoId.Parse($"a{i}"), ReplicaId.Parse("n1"));
            b.Increment(VideoId.Parse($"b{i}"), ReplicaId.Parse("n2"));
        }
        const int buckets = 64;
        var rounds = 0;
        while (!a.SameStateAs(b))
        {
            Assert.True(++rounds <= 20, "repairing 2,000 differing videos 300 at a time must finish within 20 exchanges");
            var differing = a.Digest(buckets).DifferingBuckets(b.Digest(buckets)).ToArray();
            a.TrySliceBuckets(differing, buckets, 300, out var fromA);
            b.TrySliceBuckets(differing, buckets, 300, out var fromB);
            Assert.True(fromA.Count <= 300 && fromB.Count <= 300, "a slice must stay within the limit");
            a.Merge(fromB);
            b.Merge(fromA);
        }
    }
}
