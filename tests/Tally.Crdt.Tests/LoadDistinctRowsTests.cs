using CsCheck;
using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary><c>CounterMap.LoadDistinctRows</c>, which <see cref="CrdtBinary.DecodeMap"/> fills a map with: it places
/// ids in the index without comparing keys (the decoder proved them distinct), so every id must still be found,
/// also when two share a 32-bit hash, and the change list must be what deltas expect.</summary>
public class LoadDistinctRowsTests
{
    static readonly ReplicaId R1 = ReplicaId.Parse("r1");
    static readonly ReplicaId R2 = ReplicaId.Parse("r2");

    static void AssertLoadedLike(CounterMap original, CounterMap loaded)
    {
        Assert.True(loaded.SameStateAs(original), "the decoded map must hold the encoded state");
        var ids = original.Videos.Select(v => v.Value).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ids, loaded.Videos.Select(v => v.Value));
        Assert.True(loaded.Version == ids.Count, "one change stamp per video");
        foreach (var id in ids)
        {
            var copy = VideoId.Parse(new string(id.AsSpan()));
            Assert.True(loaded.Contains(copy) && loaded.Get(copy).Equals(original.Get(copy)), $"video '{id}' must be found by value");
        }
        for (var mark = 0; mark <= ids.Count; mark++)
        {
            // The change list runs in slot order, one video per version: the videos changed since version m are
            // those from slot m on.
            Assert.True(loaded.TryGetDeltaSince(mark, int.MaxValue, out var delta), "an unbounded delta always fits");
            Assert.Equal(ids.Skip(mark), delta.Videos.Select(v => v.Value));
        }
    }

    [Fact]
    public void DecodeMap_LoadsEveryVideoFindableInIdOrder_ForAnyMap() =>
        Generators.Map.Sample(map => AssertLoadedLike(map, CrdtBinary.DecodeMap(CrdtBinary.Encode(map))), print: Generators.Show);

    [Fact]
    public void DecodeMap_LoadsEveryVideoFindable_ForAThousandVideos()
    {
        var map = new CounterMap();
        var random = new Random(5);
        for (var i = 0; i < 1_000; i++)
        {
            var video = VideoId.Parse($"v{random.Next():x}{i}");
            map.Increment(video, R1, (ulong)random.Next(1, 9));
            if (i % 3 == 0)
            {
                map.Increment(video, R2, 1);
            }
        }

        AssertLoadedLike(map, CrdtBinary.DecodeMap(CrdtBinary.Encode(map)));
    }

    [Fact]
    public void DecodeMap_FindsBothVideos_WhenTheirHashesCollide()
    {
        var (first, second) = HashCollision.Pair;
        var map = new CounterMap();
        map.Increment(VideoId.Parse(first), R1, 3);
        map.Increment(VideoId.Parse(second), R2, 4);
        map.Increment(VideoId.Parse("zz"), R1, 5);

        var loaded = CrdtBinary.DecodeMap(CrdtBinary.Encode(map));

        AssertLoadedLike(map, loaded);
        loaded.Increment(VideoId.Parse(new string(second.AsSpan())), R2);
        Assert.True(loaded.Count == 3 && loaded.EntryOf(VideoId.Parse(second), R2) == 5 && loaded.EntryOf(VideoId.Parse(first), R2) == 0,
            "an increment after loading must reach the right one of two videos with one hash");
    }

    [Fact]
    public void DecodeMap_DeltaSinceTheStartCarriesEveryEntry_OfARowWithSeveral()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("a"), R1, 2);
        map.Increment(VideoId.Parse("a"), R2, 3);
        map.Increment(VideoId.Parse("b"), R2, 4);
        var loaded = CrdtBinary.DecodeMap(CrdtBinary.Encode(map));

        Assert.True(loaded.TryGetDeltaSince(0, 10, 0, out var delta), "two videos fit");

        Assert.True(delta.SameStateAs(map), "a row loaded with two entries was raised in both: a delta must carry both");
    }

    [Fact]
    public void LoadDistinctRows_Throws_WhenTheMapHoldsVideos()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("a"), R1);

        Assert.Throws<InvalidOperationException>(() => map.LoadDistinctRows([VideoId.Parse("b")], [0, 1], [0], [1UL]));
        Assert.True(map.Count == 1 && !map.Contains(VideoId.Parse("b")), "a refused load changes nothing");
    }
}
