using System.Numerics;
using CsCheck;
using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>The number domain (docs/architecture.md, "Numbers") as properties over entries at its edges: merges are
/// total (never throw, for any two states of any <see cref="ulong"/> entries), sums are exact (never wrap), the laws
/// still hold, and no increment or raise ever takes an entry past <see cref="GCounter.EntryMax"/>.</summary>
public class NumberDomainTests
{
    /// <summary>Entries at and around every edge: 0-ish, 2^53-1 (the request limit), 10^15 (set_to's limit), 2^63 and
    /// 2^64-1 (the most a merge can meet), and anything in between.</summary>
    static readonly Gen<ulong> EdgeEntry = Gen.Frequency(
        (2, Gen.ULong[1, 10]),
        (2, Gen.ULong[0, 3].Select(d => GCounter.EntryMax - d)),
        (1, Gen.ULong[0, 3].Select(d => GCounter.EntryMax + 1 + d)),
        (1, Gen.ULong[0, 3].Select(d => GCounter.SetMax - d)),
        (1, Gen.ULong[0, 3].Select(d => (1UL << 63) + d - 1)),
        (3, Gen.ULong[0, 3].Select(d => ulong.MaxValue - d)),
        (2, Gen.ULong[1, ulong.MaxValue]));

    static readonly Gen<(VideoId, ReplicaId, ulong)[]> EdgeEntries =
        Gen.Select(Generators.Video, Generators.Replica, EdgeEntry).Array[0, 24];

    /// <summary>Maps whose entries sit at the edges, built the way decoders build them (<see cref="CounterMap.Join"/>),
    /// and sometimes merged with an ordinary map so slot and column orders vary.</summary>
    static readonly Gen<CounterMap> EdgeMap = Gen.Frequency(
        (3, EdgeEntries.Select(Build)),
        (1, Gen.Select(EdgeEntries, Generators.Map, (entries, map) => Generators.Merged(Build(entries), map))));

    static readonly Gen<GCounter> EdgeCounter = Gen.Select(Generators.Replica, EdgeEntry).Array[0, 8]
        .Select(entries => GCounter.FromEntries(entries.DistinctBy(e => e.Item1).Select(e => KeyValuePair.Create(e.Item1, e.Item2))));

    static CounterMap Build((VideoId Video, ReplicaId Replica, ulong Entry)[] entries)
    {
        var map = new CounterMap();
        foreach (var (video, replica, entry) in entries)
        {
            map.Join(video, replica, entry);
        }
        return map;
    }

    /// <summary>The sum of a video's entries, computed without any fixed width.</summary>
    static BigInteger ExactSum(CounterMap map, VideoId video) =>
        map.Get(video).Entries.Aggregate(BigInteger.Zero, (sum, e) => sum + e.Value);

    static CounterMap Join(CounterMap a, CounterMap b) => Generators.Merged(a, b);

    [Fact]
    public void Merge_IsTotalCommutativeAndExact_ForAnyTwoMapsAtTheEdges() =>
        Gen.Select(EdgeMap, EdgeMap).Sample((a, b) =>
        {
            var ab = Join(a, b);
            var ba = Join(b, a);
            Assert.True(ab.SameStateAs(ba), "a ⊔ b must equal b ⊔ a");
            foreach (var video in a.Videos.Union(b.Videos))
            {
                Assert.True((BigInteger)ab.ValueOf(video) == ExactSum(ab, video), $"the count of {video} must be the exact sum of its entries");
                Assert.True(ab.ValueOf(video) >= UInt128.Max(a.ValueOf(video), b.ValueOf(video)), $"merge must not lower the count of {video}");
            }
        }, print: Generators.Show);

    [Fact]
    public void Merge_IsAssociativeAndIdempotent_ForAnyThreeMapsAtTheEdges() =>
        Gen.Select(EdgeMap, EdgeMap, EdgeMap).Sample((a, b, c) =>
        {
            Assert.True(Join(Join(a, b), c).SameStateAs(Join(a, Join(b, c))), "(a ⊔ b) ⊔ c must equal a ⊔ (b ⊔ c)");
            var ab = Join(a, b);
            Assert.True(ab.Merge(a) == 0 && ab.Merge(b) == 0 && ab.SameStateAs(Join(a, b)), "merging a part again must change nothing");
        }, print: Generators.Show);

    [Fact]
    public void Merge_IsTotalAndExact_ForAnyTwoCountersAtTheEdges() =>
        Gen.Select(EdgeCounter, EdgeCounter, EdgeCounter).Sample((a, b, c) =>
        {
            var ab = a.Merge(b);
            Assert.True(ab.Equals(b.Merge(a)), "a ⊔ b must equal b ⊔ a");
            Assert.True(ab.Merge(c).Equals(a.Merge(b.Merge(c))), "(a ⊔ b) ⊔ c must equal a ⊔ (b ⊔ c)");
            Assert.True(ab.Merge(a).Equals(ab), "(a ⊔ b) ⊔ a must equal a ⊔ b");
            Assert.True((BigInteger)ab.Value == ab.Entries.Aggregate(BigInteger.Zero, (s, e) => s + e.Value), "the value must be the exact sum");
        });

    [Fact]
    public void Increment_NeverPassesEntryMax_AndChangesNothingWhenRefused() =>
        Gen.Select(EdgeMap, Generators.Video, Generators.Replica, EdgeEntry, Gen.Bool).Sample((map, video, replica, amount, raise) =>
        {
            var before = map.Clone();
            var entry = map.EntryOf(video, replica);
            var target = raise ? (BigInteger)amount : (BigInteger)entry + amount;
            var allowed = target <= entry || target <= GCounter.EntryMax;
            try
            {
                var result = raise ? map.RaiseTo(video, replica, amount) : map.Increment(video, replica, amount);
                Assert.True(allowed, $"{(raise ? "RaiseTo" : "Increment")} to {target} from {entry} must be refused");
                Assert.True(result == target && map.EntryOf(video, replica) == result, "the entry must be exactly the target");
                Assert.True((BigInteger)map.ValueOf(video) == ExactSum(map, video), "the count must stay exact");
            }
            catch (CounterOverflowException)
            {
                Assert.True(!allowed, $"{(raise ? "RaiseTo" : "Increment")} to {target} from {entry} is within the domain and must be taken");
                Assert.True(map.SameStateAs(before) && map.Version == before.Version, "a refused change must change nothing");
            }
            catch (CounterRegressionException)
            {
                Assert.True(raise && amount < entry, "only a raise below the entry may regress");
            }
        }, print: t => $"{Generators.Show(t.Item1)} {(t.Item5 ? "raise to" : "+")} {t.Item4} at ({t.Item2}, {t.Item3})");

    [Fact]
    public void Encode_RoundTrips_ForAnyMapAtTheEdges() =>
        EdgeMap.Sample(map =>
        {
            Assert.True(CrdtBinary.DecodeMap(CrdtBinary.Encode(map)).SameStateAs(map), "the binary codec must take every entry a merge takes");
            Assert.True(CrdtJson.DecodeMap(CrdtJson.Encode(map)).SameStateAs(map), "the JSON codec must take every entry a merge takes");
        }, print: Generators.Show);

    [Fact]
    public void ValueOf_IsExact_ForThousandsOfReplicasAtUlongMax()
    {
        // 4,096 replicas at 2^64-1: the sum needs 76 bits. A ulong sum would have wrapped at the second entry.
        var video = VideoId.Parse("v");
        var a = new CounterMap();
        var b = new CounterMap();
        for (var i = 0; i < 4096; i++)
        {
            (i % 2 == 0 ? a : b).Join(video, ReplicaId.Parse($"r{i}"), ulong.MaxValue);
        }
        Assert.Equal(1, a.Merge(b));
        Assert.Equal(4096 * (UInt128)ulong.MaxValue, a.ValueOf(video));
        Assert.Equal(4096 * (UInt128)ulong.MaxValue, a.Get(video).Value);
    }
}
