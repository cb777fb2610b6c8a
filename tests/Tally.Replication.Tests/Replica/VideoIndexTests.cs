using Tally.Crdt;

namespace Tally.Replication.Tests;

public class VideoIndexTests
{
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");

    /// <summary>Pages through the whole index <paramref name="limit"/> ids at a time.</summary>
    static List<string> PageAll(VideoIndex index, int limit)
    {
        var all = new List<string>();
        string? after = null;
        while (true)
        {
            var (ids, more) = index.Page(after, limit);
            all.AddRange(ids);
            if (!more)
            {
                Assert.True(ids.Count <= limit, "a page holds at most its limit");
                return all;
            }
            Assert.Equal(limit, ids.Count);
            after = ids[^1];
        }
    }

    static void Add(CounterMap map, IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            map.Increment(VideoId.Parse(id), N1);
        }
    }

    [Fact]
    public void Page_ListsEveryVideoInOrdinalOrder_WhenVideosArriveBetweenPages()
    {
        var random = new Random(7);
        var map = new CounterMap();
        var index = new VideoIndex(map);
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        // Growth in steps of every size: below and above the recent run's threshold, so both runs and the merge of
        // the two are exercised, with ids that sort before, between and after those already listed.
        foreach (var step in new[] { 1, 3, 50, 4000, 5000, 10, 20000, 7 })
        {
            var ids = Enumerable.Range(0, step).Select(_ => "v" + random.Next(1_000_000_000).ToString("x", System.Globalization.CultureInfo.InvariantCulture))
                .Where(expected.Add).ToList();
            Add(map, ids);
            Assert.Equal(expected.ToList(), PageAll(index, 997));
        }
        Assert.Equal(map.Count, index.Count);
    }

    [Fact]
    public void Page_StartsAfterTheGivenId_WhetherOrNotItIsKnown()
    {
        var map = new CounterMap();
        Add(map, ["d", "b", "f", "a"]);
        var index = new VideoIndex(map);
        Assert.Equal(["d", "f"], index.Page("c", 10).Ids);
        Assert.Equal(["f"], index.Page("d", 10).Ids);
        var (ids, more) = index.Page(null, 2);
        Assert.Equal(["a", "b"], ids);
        Assert.True(more, "two more ids follow");
        Assert.Empty(index.Page("f", 10).Ids);
        Assert.False(index.Page("f", 10).More, "nothing follows the last id");
    }

    [Fact]
    public void Page_ListsALoadedMapInOrder_WhenItsSlotsAreSortedOrNot()
    {
        var sorted = new CounterMap();
        Add(sorted, ["a", "b", "c", "x"]);
        Assert.Equal(["a", "b", "c", "x"], PageAll(new VideoIndex(sorted), 3));
        var unsorted = new CounterMap();
        Add(unsorted, ["x", "c", "a", "b"]);
        Assert.Equal(["a", "b", "c", "x"], PageAll(new VideoIndex(unsorted), 3));
        Assert.Empty(PageAll(new VideoIndex(new CounterMap()), 3));
    }
}
