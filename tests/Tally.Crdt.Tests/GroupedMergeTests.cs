using CsCheck;

namespace Tally.Crdt.Tests;

/// <summary>The grouped merge (<c>CounterMap.MergeGrouped</c>): a source of <see cref="CounterMap.GroupedMergeMin"/> rows
/// or more is looked up in batches, sorted by target slot and applied in that order. It must give exactly what
/// joining in source order gives (state, count, version, the change list that deltas walk, slots of new videos),
/// at every batch size, including a batch of one row, a last batch cut short, and 32-bit hash collisions.</summary>
public class GroupedMergeTests
{
    static readonly ReplicaId R1 = ReplicaId.Parse("r1");
    static readonly ReplicaId R2 = ReplicaId.Parse("r2");

    static readonly Gen<(CounterMap A, CounterMap B, int Batch)> Cases =
        Gen.Select(Generators.Map, Generators.Map, Gen.Int[1, 6]);

    /// <summary>Joins <paramref name="source"/> into a copy of <paramref name="target"/> in the source's own order.</summary>
    static (CounterMap Map, int Changed) InSourceOrder(CounterMap target, CounterMap source)
    {
        var map = target.Clone();
        return (map, map.MergeWith(source, int.MaxValue, 1));
    }

    /// <summary>Joins <paramref name="source"/> into a copy of <paramref name="target"/> through the grouped merge.</summary>
    static (CounterMap Map, int Changed) Grouped(CounterMap target, CounterMap source, int batch)
    {
        var map = target.Clone();
        return (map, map.MergeWith(source, 0, batch));
    }

    /// <summary>The videos changed after <paramref name="mark"/>, oldest change first.</summary>
    static List<string> ChangedSince(CounterMap map, long mark)
    {
        Assert.True(map.TryGetDeltaSince(mark, int.MaxValue, out var delta), "an unbounded delta always fits");
        return [.. delta.Videos.Select(v => v.Value)];
    }

    static void AssertSameAsSourceOrder(CounterMap target, CounterMap source, int batch)
    {
        var (expected, expectedChanged) = InSourceOrder(target, source);
        var (actual, changed) = Grouped(target, source, batch);
        Assert.True(changed == expectedChanged, $"batch {batch}: {changed} videos changed, joining in source order changes {expectedChanged}");
        Assert.True(actual.SameStateAs(expected), $"batch {batch}: the grouped merge must give the state of the join in source order");
        Assert.True(actual.Version == expected.Version, $"batch {batch}: one stamp per changed video, version {actual.Version} vs {expected.Version}");
        Assert.True(actual.Videos.SequenceEqual(expected.Videos), $"batch {batch}: videos new to the target take slots in the source's order");
        Assert.True(actual.CountChangedSince(0) == actual.Count, "every video must be on the change list exactly once");
        var step = Math.Max(1, target.Version / 16);
        for (var mark = 0L; mark <= target.Version; mark = mark == target.Version ? mark + 1 : Math.Min(mark + step, target.Version))
        {
            // Deltas since a mark from before the merge walk the change list and use each row's last raised column and
            // the gap to its change before: they must carry the same entries whatever order the merge stamped rows in.
            Assert.True(actual.TryGetDeltaSince(mark, int.MaxValue, out var delta) &&
                expected.TryGetDeltaSince(mark, int.MaxValue, out var expectedDelta) && delta.SameStateAs(expectedDelta),
                $"batch {batch}: the delta since {mark} must hold the same entries");
            Assert.True(actual.CountChangedSince(mark) == expected.CountChangedSince(mark), $"batch {batch}: changes since {mark}");
        }
    }

    [Fact]
    public void MergeWith_GivesTheJoinInSourceOrder_ForAnyTwoMapsAndBatchSize() =>
        Cases.Sample(c => AssertSameAsSourceOrder(c.A, c.B, c.Batch), print: Show);

    static string Show((CounterMap A, CounterMap B, int Batch) c) => $"batch {c.Batch}: {Generators.Show((c.A, c.B))}";

    [Fact]
    public void MergeWith_IsCommutativeAndIdempotent_ThroughTheGroupedPath() =>
        Cases.Sample(c =>
        {
            var (a, b, batch) = c;
            Assert.True(Grouped(a, b, batch).Map.SameStateAs(Grouped(b, a, batch).Map), "a ⊔ b must equal b ⊔ a");
            var (ab, _) = Grouped(a, b, batch);
            var version = ab.Version;
            Assert.True(ab.MergeWith(b, 0, batch) == 0 && ab.MergeWith(a, 0, batch) == 0 && ab.MergeWith(ab.Clone(), 0, batch) == 0,
                "merging a part of the state again must change nothing");
            Assert.True(ab.Version == version, "a merge that changes nothing must not move the version");
        }, print: Show);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1_000)]
    [InlineData(2_999)]
    [InlineData(3_000)]
    [InlineData(3_001)]
    [InlineData(8_192)]
    public void MergeWith_GivesTheJoinInSourceOrder_ForLargeMapsInAnotherOrder(int batch)
    {
        // 5,000 videos in arrival order; the source holds 2,000 of them (raised on one replica, lowered on the
        // other) and 1,000 new ones, in id order as a decoded map is: slots need 13 bits, two radix passes.
        var random = new Random(12);
        var ids = Enumerable.Range(0, 6_000).Select(i => $"v{i:x}-{random.Next():x}").ToArray();
        var target = new CounterMap();
        foreach (var id in ids.Take(5_000))
        {
            target.Increment(VideoId.Parse(id), R1, (ulong)random.Next(1, 100));
            target.Increment(VideoId.Parse(id), R2, (ulong)random.Next(1, 100));
        }
        var source = new CounterMap();
        foreach (var id in ids.Skip(3_000).Order(StringComparer.Ordinal))
        {
            source.Increment(VideoId.Parse(new string(id.AsSpan())), random.Next(2) == 0 ? R1 : R2, (ulong)random.Next(1, 150));
        }

        AssertSameAsSourceOrder(target, source, batch);
        Assert.True(Grouped(target, source, batch).Changed > 1_000, "most of the source raises something (the test must merge real work)");
    }

    [Fact]
    public void MergeWith_StampsRowsInSlotOrderWithinEachBatch_ForASourceInReverseOrder()
    {
        var target = new CounterMap();
        var ids = Enumerable.Range(0, 10).Select(i => $"v{i}").ToArray();
        foreach (var id in ids)
        {
            target.Increment(VideoId.Parse(id), R1);
        }
        var source = new CounterMap();
        foreach (var id in Enumerable.Reverse(ids))
        {
            source.Increment(VideoId.Parse(id), R1, 5);
        }
        var mark = target.Version;

        var (whole, _) = Grouped(target, source, 10);
        var (halves, _) = Grouped(target, source, 5);
        var (inOrder, _) = InSourceOrder(target, source);

        Assert.Equal(ids, ChangedSince(whole, mark));
        Assert.Equal(["v5", "v6", "v7", "v8", "v9", "v0", "v1", "v2", "v3", "v4"], ChangedSince(halves, mark));
        Assert.Equal(Enumerable.Reverse(ids), ChangedSince(inOrder, mark));
    }

    [Fact]
    public void Merge_TakesTheGroupedPath_FromGroupedMergeMinSourceRows()
    {
        foreach (var rows in new[] { CounterMap.GroupedMergeMin - 1, CounterMap.GroupedMergeMin })
        {
            var ids = Enumerable.Range(0, rows).Select(i => $"v{i:d5}").ToArray();
            var target = new CounterMap();
            foreach (var id in ids)
            {
                target.Increment(VideoId.Parse(id), R1);
            }
            var source = new CounterMap();
            foreach (var id in Enumerable.Reverse(ids))
            {
                source.Increment(VideoId.Parse(id), R1, 2);
            }
            var mark = target.Version;

            Assert.Equal(rows, target.Merge(source));

            var order = ChangedSince(target, mark);
            Assert.Equal(rows < CounterMap.GroupedMergeMin ? Enumerable.Reverse(ids) : ids, order);
        }
    }

    [Fact]
    public void MergeWith_AddsTheSourceVideo_WhenItsHashCollidesWithATargetVideo()
    {
        var (mine, theirs) = HashCollision.Pair;
        var target = new CounterMap();
        target.Increment(VideoId.Parse(mine), R1, 3);
        var source = new CounterMap();
        source.Increment(VideoId.Parse(theirs), R2, 7);

        var changed = target.MergeWith(source, 0, 4);

        Assert.Equal(1, changed);
        Assert.Equal(2, target.Count);
        Assert.True(target.EntryOf(VideoId.Parse(mine), R1) == 3 && target.EntryOf(VideoId.Parse(mine), R2) == 0,
            "the colliding target video must keep its own entries");
        Assert.Equal(7UL, target.EntryOf(VideoId.Parse(theirs), R2));
        Assert.Equal([mine, theirs], target.Videos.Select(v => v.Value));
    }

    [Fact]
    public void MergeWith_JoinsTheRightRow_WhenTwoTargetVideosShareAHash()
    {
        var (first, second) = HashCollision.Pair;
        var target = new CounterMap();
        target.Increment(VideoId.Parse(first), R1, 3);
        target.Increment(VideoId.Parse(second), R1, 4);
        var source = new CounterMap();
        source.Increment(VideoId.Parse(new string(second.AsSpan())), R1, 9);
        source.Increment(VideoId.Parse("other"), R1, 1);

        var changed = target.MergeWith(source, 0, 8);

        Assert.Equal(2, changed);
        Assert.Equal(3, target.Count);
        Assert.Equal(3UL, target.EntryOf(VideoId.Parse(first), R1));
        Assert.Equal(9UL, target.EntryOf(VideoId.Parse(second), R1));
        Assert.Equal(1UL, target.EntryOf(VideoId.Parse("other"), R1));
    }

    [Fact]
    public void SortBySlot_SortsStablyBySlot_ForAnySlotRange() =>
        Gen.Select(Gen.Int[0, 300], Gen.OneOfConst(0, 1, 2, 4_095, 4_096, 8_191, (1 << 20) + 3, (1 << 24) + 1, int.MaxValue), Gen.Int)
            .Sample(c =>
            {
                var (length, slotMax, seed) = c;
                var random = new Random(seed);
                var pairs = Enumerable.Range(0, length)
                    .Select(i => (ulong)random.Next(0, (int)Math.Min(slotMax + 1L, int.MaxValue)) << 32 | (uint)i).ToArray();
                var expected = pairs.OrderBy(p => p >> 32).ToArray(); // OrderBy is stable: equal slots keep their order

                var sorted = CounterMap.SortBySlot(pairs.ToArray(), new ulong[length], slotMax).ToArray();

                Assert.Equal(expected, sorted);
            });
}
