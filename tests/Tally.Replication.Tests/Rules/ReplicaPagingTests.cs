using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary><see cref="Replica.Page"/>: every video the replica holds (loaded, its own, merged), in ordinal id order,
/// each with this replica's entry and the sum, a page at a time.</summary>
public class ReplicaPagingTests
{
    static string[] Ids((IReadOnlyList<VideoTotals> Videos, bool More) page) => [.. page.Videos.Select(v => v.Video.Value)];

    static Harness WithVideos(params string[] videos)
    {
        var h = new Harness();
        foreach (var video in videos)
        {
            h.Add(video, 2);
            h.CompleteAll();
        }
        return h;
    }

    [Fact]
    public void Page_ListsOwnVideosInOrdinalOrder_WithTheirTotalsAndCounts()
    {
        var h = WithVideos("b", "a", "C", "c");
        var (videos, more) = h.Replica.Page(null, 10);
        Assert.Equal(["C", "a", "b", "c"], videos.Select(v => v.Video.Value));
        Assert.All(videos, v => Assert.Equal((2UL, (UInt128)2), (v.Total, v.Count)));
        Assert.False(more, "every video fits the page");
    }

    [Fact]
    public void Page_ContinuesAfterTheGivenId_AndSaysWhetherMoreFollow()
    {
        var h = WithVideos("a", "b", "c", "d", "e");
        var first = h.Replica.Page(null, 2);
        Assert.Equal(["a", "b"], Ids(first));
        Assert.True(first.More);
        var second = h.Replica.Page("b", 2);
        Assert.Equal(["c", "d"], Ids(second));
        Assert.True(second.More);
        var last = h.Replica.Page("d", 2);
        Assert.Equal(["e"], Ids(last));
        Assert.False(last.More, "nothing follows the last video");
        Assert.Equal(["e"], Ids(h.Replica.Page("d", 1)));
        Assert.False(h.Replica.Page("d", 1).More, "a page ending exactly at the last video has nothing more");
    }

    [Fact]
    public void Page_StartsAfterAnIdItDoesNotHold()
    {
        var h = WithVideos("a", "c", "e");
        Assert.Equal(["c", "e"], Ids(h.Replica.Page("b", 10)));
        Assert.Equal(["a", "c", "e"], Ids(h.Replica.Page("", 10)));
        Assert.Empty(h.Replica.Page("e", 10).Videos);
        Assert.Empty(h.Replica.Page("z", 10).Videos);
        Assert.False(h.Replica.Page("z", 10).More);
    }

    [Fact]
    public void Page_FindsEveryStart_InALongList()
    {
        var names = Enumerable.Range(0, 37).Select(i => $"v{i:D2}").ToArray();
        var h = WithVideos(names);
        for (var i = 0; i < names.Length; i++)
        {
            var (videos, more) = h.Replica.Page(names[i], 5);
            Assert.Equal(names.Skip(i + 1).Take(5), videos.Select(v => v.Video.Value));
            Assert.Equal(i + 6 < names.Length, more);
        }
    }

    [Fact]
    public void Page_ListsMergedAndLoadedVideos_WithTheSumOfEveryReplica()
    {
        var pair = new Pair();
        pair.N1.Add("m", 3);
        pair.N1.CompleteAll();
        pair.N2.Add("m", 4);
        pair.N2.Add("own", 1);
        pair.N2.CompleteAll();
        pair.N1.Tick();
        pair.Deliver(pair.N1);
        pair.N2.CompleteAll();

        var (videos, _) = pair.N2.Replica.Page(null, 10);
        Assert.Equal(["m", "own"], videos.Select(v => v.Video.Value));
        Assert.Equal((4UL, (UInt128)7), (videos[0].Total, videos[0].Count));

        pair.N2.CrashAndRestart();
        Assert.Equal(["m", "own"], Ids(pair.N2.Replica.Page(null, 10)));
    }
}
