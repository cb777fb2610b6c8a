namespace Tally.Crdt.Tests;

/// <summary><see cref="CounterMap.EnsureCapacity"/> and <see cref="CounterMap.TrimExcess"/>: sizing the backing arrays
/// for a bulk load, and shrinking them afterwards, keep every video, entry, version and change order.</summary>
public class CapacityTests
{
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");
    static readonly ReplicaId N2 = ReplicaId.Parse("n2");

    static VideoId[] Videos(int n, string prefix = "v") => [.. Enumerable.Range(0, n).Select(i => VideoId.Parse($"{prefix}{i}"))];

    static void AssertHolds(CounterMap map, VideoId[] videos, string when)
    {
        Assert.True(map.Count == videos.Length, $"{when}: the map must hold {videos.Length} videos, holds {map.Count}");
        for (var i = 0; i < videos.Length; i++)
        {
            Assert.True(map.EntryOf(videos[i], N1) == (ulong)i + 1 && map.VideoAt(i) == videos[i], $"{when}: {videos[i]} must keep its entry and slot");
        }
    }

    [Fact]
    public void Increment_AllocatesNothing_ForNewVideosWithinEnsuredCapacity()
    {
        var videos = Videos(1_000);
        var map = new CounterMap();
        map.Increment(VideoId.Parse("first"), N1); // a column exists, so rows have their width
        map.EnsureCapacity(1 + videos.Length);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < videos.Length; i++)
        {
            map.Increment(videos[i], N1, (ulong)i + 1);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated == 0, $"adding 1,000 videos after EnsureCapacity(1,001) must not grow any array; it allocated {allocated} bytes");
        Assert.Equal(1_001, map.Count);
        Assert.True(videos.All(map.Contains) && map.Contains(VideoId.Parse("first")), "every video must be found after the bulk load");
    }

    [Fact]
    public void EnsureCapacity_KeepsEveryVideoFindable_WhenItGrowsAFullMap()
    {
        var videos = Videos(100);
        var map = new CounterMap();
        for (var i = 0; i < videos.Length; i++)
        {
            map.Increment(videos[i], N1, (ulong)i + 1);
        }
        var version = map.Version;
        map.EnsureCapacity(10_000);
        AssertHolds(map, videos, "after EnsureCapacity");
        Assert.Equal(version, map.Version);
        map.EnsureCapacity(5); // smaller than held: nothing to do
        AssertHolds(map, videos, "after a smaller EnsureCapacity");
        Assert.Equal(1UL, map.Increment(VideoId.Parse("new"), N2));
        Assert.True(map.TryGetDeltaSince(version, int.MaxValue, out var delta) && delta.Count == 1 && delta.Contains(VideoId.Parse("new")),
            "EnsureCapacity is not a change: only the new video is in the delta");
    }

    [Fact]
    public void TrimExcess_KeepsEveryVideoEntryAndChange_AndTheMapStillGrows()
    {
        var videos = Videos(300);
        var map = new CounterMap(100_000);
        for (var i = 0; i < videos.Length; i++)
        {
            map.Increment(videos[i], N1, (ulong)i + 1);
        }
        map.Increment(videos[7], N2); // videos[7] is now the newest change
        var mark = map.Version - 1;
        var before = map.Clone();

        map.TrimExcess();

        Assert.True(map.SameStateAs(before) && map.Version == before.Version, "TrimExcess must keep the state and version");
        for (var i = 0; i < videos.Length; i++)
        {
            Assert.True(map.EntryOf(videos[i], N1) == (ulong)i + 1 && map.VideoAt(i) == videos[i], $"{videos[i]} must keep its entry and slot");
        }
        Assert.True(map.TryGetDeltaSince(mark, int.MaxValue, out var delta) && delta.Count == 1 && delta.EntryOf(videos[7], N2) == 1,
            "the change order must survive TrimExcess");
        var more = Videos(500, "w");
        for (var i = 0; i < more.Length; i++)
        {
            map.Increment(more[i], N2, (ulong)i + 1);
        }
        Assert.True(map.Count == 800 && more.All(map.Contains) && videos.All(map.Contains), "a trimmed map must grow again and find every video");
        map.TrimExcess();
        Assert.True(more.Select((v, i) => map.EntryOf(v, N2) == (ulong)i + 1).All(ok => ok), "a second TrimExcess must keep every entry");
    }

    [Fact]
    public void TrimExcess_KeepsAnEmptyMapUsable()
    {
        var map = new CounterMap(1_000);
        map.TrimExcess();
        Assert.Equal(0, map.Count);
        Assert.Equal(3UL, map.Increment(VideoId.Parse("v"), N1, 3));
        Assert.True(map.Contains(VideoId.Parse("v")) && map.Count == 1, "an emptied map must still take videos");
    }
}

/// <summary>Memory measured over the whole process, so these run alone, after the parallel tests.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class ProcessMemory;

[Collection(typeof(ProcessMemory))]
public class TrimExcessMemoryTests
{
    [Fact]
    public void TrimExcess_ReleasesTheSpareCapacity_OfALargeMap()
    {
        var videos = Enumerable.Range(0, 1_000).Select(i => VideoId.Parse($"v{i}")).ToArray();
        var n1 = ReplicaId.Parse("n1");
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        // Room for 400,000 videos: about 3 MB of keys, 10 MB of change links, 3 MB of entries and 8 MB of index.
        var map = new CounterMap(400_000);
        foreach (var video in videos)
        {
            map.Increment(video, n1);
        }
        var full = GC.GetTotalMemory(forceFullCollection: true) - baseline;

        map.TrimExcess();
        var trimmed = GC.GetTotalMemory(forceFullCollection: true) - baseline;

        Assert.True(full > 20_000_000, $"the untrimmed map must hold its spare capacity (held {full} bytes): the test measures nothing otherwise");
        Assert.True(trimmed < 2_000_000, $"a trimmed map of 1,000 videos must hold well under 2 MB, holds {trimmed} bytes (was {full})");
        Assert.True(videos.All(v => map.EntryOf(v, n1) == 1), "every entry must survive the trim");
        GC.KeepAlive(map);
    }
}
