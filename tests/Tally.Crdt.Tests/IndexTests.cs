namespace Tally.Crdt.Tests;

/// <summary>The video index (open addressing, linear probing): a refused change to a new video takes its row back out
/// of the index, and every other video must stay reachable, whatever probe runs the removal cut.</summary>
public class IndexTests
{
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");

    [Fact]
    public void Increment_LeavesEveryOtherVideoFindable_WhenManyRefusedNewVideosAreTakenBackOut()
    {
        // Hashes are randomized per process; at up to 3/4 full, with a thousand videos, long probe runs are certain.
        var map = new CounterMap();
        var held = new List<VideoId>();
        for (var i = 0; i < 1_500; i++)
        {
            var video = VideoId.Parse($"v{i}");
            if (i % 3 == 2)
            {
                Assert.Throws<CounterOverflowException>(() => map.Increment(video, N1, GCounter.EntryMax + 1));
                Assert.False(map.Contains(video), $"{video}: a refused new video must not stay in the index");
            }
            else
            {
                map.Increment(video, N1, (ulong)i + 1);
                held.Add(video);
            }
            if (i % 100 == 99)
            {
                AssertFindsEvery(map, held, $"after {i + 1} videos");
            }
        }
        AssertFindsEvery(map, held, "at the end");
        for (var slot = 0; slot < map.Count; slot++)
        {
            Assert.True(map.VideoAt(slot) == held[slot], $"slot {slot} must hold the {slot}th video taken");
        }
    }

    [Fact]
    public void Increment_FindsVideosAddedAfterARefusedOne_InTheSlotItGaveBack()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("a"), N1);
        Assert.Throws<CounterOverflowException>(() => map.Increment(VideoId.Parse("b"), N1, GCounter.EntryMax + 1));
        map.Increment(VideoId.Parse("c"), N1, 3);
        Assert.Equal(["a", "c"], map.Videos.Select(v => v.Value));
        Assert.True(map.EntryOf(VideoId.Parse("c"), N1) == 3 && map.Version == 2, "the refused video must leave no row, slot or version behind");
        map.Increment(VideoId.Parse("b"), N1, 2);
        Assert.Equal(["a", "c", "b"], map.Videos.Select(v => v.Value));
        Assert.Equal(2UL, map.EntryOf(VideoId.Parse("b"), N1));
    }

    static void AssertFindsEvery(CounterMap map, List<VideoId> held, string when)
    {
        Assert.True(map.Count == held.Count, $"{when}: the map must hold {held.Count} videos, holds {map.Count}");
        foreach (var video in held)
        {
            Assert.True(map.Contains(video), $"{when}: {video} must still be found");
        }
    }

    [Fact]
    public void Increment_KeepsASmallMapUsable_AfterThousandsOfRefusedNewVideos()
    {
        // A client sending amounts over the limit for ever new ids: each refused video must leave its index entry
        // free again, or the few positions of a small map's index fill up and every lookup probes for ever.
        var map = new CounterMap();
        map.Increment(VideoId.Parse("kept"), N1, 5);
        for (var i = 0; i < 2_000; i++)
        {
            Assert.Throws<CounterOverflowException>(() => map.Increment(VideoId.Parse($"refused{i}"), N1, GCounter.EntryMax + 1));
        }
        Assert.True(map.Count == 1 && map.EntryOf(VideoId.Parse("kept"), N1) == 5, "only the kept video may be held");
        Assert.False(map.Contains(VideoId.Parse("refused7")), "a refused video must not be found");
        Assert.Equal(1UL, map.Increment(VideoId.Parse("new"), N1));
        Assert.True(map.Contains(VideoId.Parse("new")) && map.Count == 2, "a new video must still be taken");
    }
}
