using CsCheck;

namespace Tally.Crdt.Tests;

/// <summary>The join-semilattice laws of <see cref="CounterMap"/>. The map is mutable, so every merge works on a
/// clone and the inputs stay as generated.</summary>
public class CounterMapLawsTests
{
    static readonly Gen<(CounterMap, CounterMap)> TwoMaps = Gen.Select(Generators.Map, Generators.Map);

    static IEnumerable<(VideoId Video, ReplicaId Replica, ulong Value)> Entries(CounterMap map) =>
        map.Videos.SelectMany(v => map.Get(v).Entries.Select(e => (v, e.Key, e.Value)));

    static CounterMap Join(CounterMap a, CounterMap b) => Generators.Merged(a, b);

    [Fact]
    public void Merge_IsCommutative_ForAnyTwoMaps() =>
        TwoMaps.Sample((a, b) =>
            Assert.True(Join(a, b).SameStateAs(Join(b, a)), "a ⊔ b must equal b ⊔ a"),
            print: Generators.Show);

    [Fact]
    public void Merge_IsAssociative_ForAnyThreeMaps() =>
        Gen.Select(Generators.Map, Generators.Map, Generators.Map).Sample((a, b, c) =>
            Assert.True(Join(Join(a, b), c).SameStateAs(Join(a, Join(b, c))), "(a ⊔ b) ⊔ c must equal a ⊔ (b ⊔ c)"),
            print: Generators.Show);

    [Fact]
    public void Merge_IsIdempotent_ForAnyTwoMaps() =>
        TwoMaps.Sample((a, b) =>
        {
            var aa = Join(a, a.Clone());
            Assert.True(aa.SameStateAs(a), "a ⊔ a must equal a");
            Assert.True(aa.Version == a.Version, "merging an equal state must change nothing, not even the version");
            var ab = Join(a, b);
            var version = ab.Version;
            Assert.True(ab.Merge(b) == 0 && ab.Merge(a) == 0, "merging a part of the state again must report no change");
            Assert.True(ab.Version == version && ab.SameStateAs(Join(a, b)), "(a ⊔ b) ⊔ b and (a ⊔ b) ⊔ a must equal a ⊔ b");
        }, print: Generators.Show);

    [Fact]
    public void Merge_TakesPerEntryMax_ForAnyTwoMaps() =>
        TwoMaps.Sample((a, b) =>
        {
            var merged = Join(a, b);
            var videos = a.Videos.Union(b.Videos).ToList();
            Assert.True(merged.Count == videos.Count, "the merged map must hold exactly the videos of both sides");
            foreach (var (video, replica, _) in Entries(a).Concat(Entries(b)))
            {
                Assert.True(merged.EntryOf(video, replica) == Math.Max(a.EntryOf(video, replica), b.EntryOf(video, replica)),
                    $"entry ({video}, {replica}) must be the max of both sides");
            }
            Assert.True(Entries(merged).All(e => a.EntryOf(e.Video, e.Replica) == e.Value || b.EntryOf(e.Video, e.Replica) == e.Value),
                "every merged entry must come from one of the sides");
        }, print: Generators.Show);

    [Fact]
    public void Merge_ReturnsNumberOfChangedVideos_ForAnyTwoMaps() =>
        TwoMaps.Sample((a, b) =>
        {
            var expected = b.Videos.Count(v => !a.Get(v).Merge(b.Get(v)).Equals(a.Get(v)));
            Assert.True(a.Clone().Merge(b) == expected, "Merge must return how many videos rose");
        }, print: Generators.Show);

    [Fact]
    public void Merge_NeverLowersAnEntryOrValue_ForAnyTwoMaps() =>
        TwoMaps.Sample((a, b) =>
        {
            var merged = Join(a, b);
            foreach (var (video, replica, value) in Entries(a).Concat(Entries(b)))
            {
                Assert.True(merged.EntryOf(video, replica) >= value, $"merge must not lower entry ({video}, {replica})");
                Assert.True(merged.ValueOf(video) >= UInt128.Max(a.ValueOf(video), b.ValueOf(video)), $"merge must not lower the value of {video}");
            }
            Assert.True(merged.Version >= a.Version, "the version must never go down");
        }, print: Generators.Show);

    [Fact]
    public void Increment_NeverLowersAnything_ForAnyOpSequence() =>
        Gen.Select(Generators.Map, Generators.Ops).Sample((map, ops) =>
        {
            foreach (var op in ops)
            {
                var before = map.Clone();
                op.ApplyTo(map);
                Assert.True(Entries(before).All(e => map.EntryOf(e.Video, e.Replica) >= e.Value), $"{op} must not lower any entry");
                Assert.True(before.Videos.All(v => map.ValueOf(v) >= before.ValueOf(v)), $"{op} must not lower any value");
                Assert.True(map.Version > before.Version, $"{op} must advance the version");
                Assert.True(Join(map, before).SameStateAs(map), "the old state must be below the new one");
            }
        }, print: t => $"{Generators.Show(t.Item1)} then {string.Join(", ", t.Item2.AsEnumerable())}");

    [Fact]
    public void Increment_RaisesValueAndEntryByExactlyK_ForAnyMap() =>
        Gen.Select(Generators.Map, Generators.Video, Generators.Replica, Generators.Amount).Sample((map, video, replica, k) =>
        {
            var before = map.Clone();
            var entry = map.Increment(video, replica, k);
            Assert.True(entry == before.EntryOf(video, replica) + k, "Increment must return the entry raised by exactly k");
            Assert.True(map.EntryOf(video, replica) == entry, "the stored entry must be the returned one");
            Assert.True(map.ValueOf(video) == before.ValueOf(video) + k, "the video's value must rise by exactly k");
            Assert.True(map.Count == before.Count + (before.Contains(video) ? 0 : 1), "only the incremented video may be added");
            Assert.True(Entries(before).Where(e => e.Video != video || e.Replica != replica).All(e => map.EntryOf(e.Video, e.Replica) == e.Value),
                "no other entry may change");
        }, print: t => $"{Generators.Show(t.Item1)} +{t.Item4} at ({t.Item2}, {t.Item3})");

    [Fact]
    public void Clone_SharesNothing_ForAnyMap() =>
        Gen.Select(Generators.Map, Generators.Op).Sample((map, op) =>
        {
            var clone = map.Clone();
            Assert.True(clone.SameStateAs(map) && clone.Version == map.Version, "a clone must hold the same state and version");
            var original = map.Clone();
            op.ApplyTo(clone);
            Assert.True(map.SameStateAs(original), "changing a clone must not change the original");
        }, print: t => $"{Generators.Show(t.Item1)} then {t.Item2}");

    [Fact]
    public void Get_AgreesWithEntryOfAndValueOf_ForAnyMap() =>
        Generators.Map.Sample(map =>
        {
            foreach (var video in map.Videos)
            {
                var counter = map.Get(video);
                Assert.True(counter.Value == map.ValueOf(video) && counter.Value > 0, $"Get({video}).Value must equal ValueOf and be positive");
                Assert.True(counter.Entries.All(e => map.EntryOf(video, e.Key) == e.Value), $"Get({video}) must list the same entries as EntryOf");
                Assert.True(map.Contains(video), $"Contains({video}) must be true for a listed video");
            }
        }, print: Generators.Show);
}
