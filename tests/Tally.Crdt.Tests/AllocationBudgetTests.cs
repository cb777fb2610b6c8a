namespace Tally.Crdt.Tests;

/// <summary>The allocation budget of the hot paths (docs/benchmarks.md), checked in CI without timing: a warmed-up
/// call must not allocate on the managed heap. Each check measures a few rounds and keeps the smallest, so a
/// one-off allocation outside the code under test (a pool refilled after a collection) cannot fail it.</summary>
public class AllocationBudgetTests
{
    static readonly ReplicaId[] Replicas = [.. Enumerable.Range(1, 5).Select(i => ReplicaId.Parse($"node-{i}"))];

    [Fact]
    public void Increment_AllocatesNothing_ForAnExistingVideoAndReplica()
    {
        var map = MapOf(1_000);
        var video = VideoId.Parse("v500");
        var replica = Replicas[2];

        var allocated = SmallestAllocation(() =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                map.Increment(video, replica);
            }
        });

        Assert.True(allocated == 0, $"Increment of an existing video and replica must not allocate; 1,000 calls allocated {allocated} bytes.");
    }

    [Fact]
    public void Merge_AllocatesNothing_WhenNothingChanges()
    {
        var map = MapOf(1_000);
        var same = MapOf(1_000);

        var changed = -1;

        var allocated = SmallestAllocation(() => changed = map.Merge(same));

        Assert.Equal(0, changed);
        Assert.True(allocated == 0, $"Merging a map that changes nothing must not allocate; it allocated {allocated} bytes.");
    }

    [Fact]
    public void Merge_AllocatesNothing_WhenNothingChanges_ForALargeSourceInAnotherOrder()
    {
        var map = MapOf(20_000);
        var same = new CounterMap();
        foreach (var video in map.Videos.OrderBy(v => v.Value, StringComparer.Ordinal))
        {
            // As a peer's state decodes: ids ascending, new string instances, so the grouped merge sorts its batches.
            var copy = VideoId.Parse(new string(video.Value.AsSpan()));
            foreach (var replica in Replicas)
            {
                same.Increment(copy, replica, map.EntryOf(video, replica));
            }
        }
        Assert.True(same.Count >= CounterMap.GroupedMergeMin, "the source must be large enough to take the grouped merge");

        var changed = -1;

        var allocated = SmallestAllocation(() => changed = map.Merge(same));

        Assert.Equal(0, changed);
        Assert.True(allocated == 0, $"A grouped merge that changes nothing must not allocate (its buffers are pooled); it allocated {allocated} bytes.");
    }

    static CounterMap MapOf(int videos)
    {
        var map = new CounterMap();
        for (var v = 0; v < videos; v++)
        {
            for (var r = 0; r < Replicas.Length; r++)
            {
                map.Increment(VideoId.Parse($"v{v}"), Replicas[r], (ulong)(v + r + 1));
            }
        }
        return map;
    }

    /// <summary>Runs <paramref name="action"/> once to warm it up (JIT, pools), then returns the fewest bytes it
    /// allocated on this thread over three more runs.</summary>
    static long SmallestAllocation(Action action)
    {
        action();
        var smallest = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            action();
            smallest = Math.Min(smallest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return smallest;
    }
}
