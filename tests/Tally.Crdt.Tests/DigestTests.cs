using CsCheck;
using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>Anti-entropy digests: equal exactly when the states are equal, and the slices of the differing buckets
/// repair two replicas.</summary>
public class DigestTests
{
    static readonly Gen<int> BucketCount = Gen.OneOfConst(1, 2, 16, 1024);

    /// <summary>Two maps that hold the same state built another way, or a state that differs by little or by much.</summary>
    static readonly Gen<(CounterMap, CounterMap)> Pair = Gen.Select(Generators.Ops, Gen.Int, Gen.Int[0, 4], Generators.Op, Generators.Map)
        .Select((ops, seed, kind, extra, other) =>
        {
            var a = Generators.Build(ops);
            var shuffled = ops.Where(op => !op.Raise).ToArray();
            new Random(seed).Shuffle(shuffled);
            var b = kind switch
            {
                0 => Generators.Build(ops.Where(op => op.Raise).Concat(shuffled)),
                1 => CrdtBinary.DecodeMap(CrdtBinary.Encode(a)),
                2 => a.Clone(),
                3 => other,
                _ => Generators.Build(ops.Append(extra)),
            };
            return (a, b);
        });

    [Fact]
    public void Digest_IsEqual_IffStatesAreEqual() =>
        Gen.Select(Pair, BucketCount).Sample((pair, buckets) =>
        {
            var (a, b) = pair;
            var same = a.SameStateAs(b);
            var (da, db) = (a.Digest(buckets), b.Digest(buckets));
            Assert.True(da.BucketCount == buckets, "the digest must have the requested bucket count");
            Assert.True((da.Root == db.Root) == same, $"roots must be equal exactly when the states are (states equal: {same})");
            Assert.True(da.Buckets.SequenceEqual(db.Buckets) == same, $"buckets must be equal exactly when the states are (states equal: {same})");
            Assert.True((da.DifferingBuckets(db).Count == 0) == same, "no bucket may differ exactly when the states are equal");
        }, iter: 300, print: t => $"{Generators.Show(t.Item1)}, {t.Item2} buckets");

    [Fact]
    public void TrySliceBuckets_OfDifferingBuckets_RepairsBothReplicas() =>
        Gen.Select(Generators.Map, Generators.Ops, Generators.Ops, BucketCount).Sample((start, opsA, opsB, buckets) =>
        {
            var (a, b) = (start.Clone(), start.Clone());
            foreach (var op in opsA)
            {
                op.ApplyTo(a);
            }
            foreach (var op in opsB)
            {
                op.ApplyTo(b);
            }
            var expected = Generators.Merged(a, b);
            var differing = a.Digest(buckets).DifferingBuckets(b.Digest(buckets));
            Assert.True(a.TrySliceBuckets([.. differing], buckets, int.MaxValue, out var fromA), "an unlimited slice must be complete");
            Assert.True(b.TrySliceBuckets([.. differing], buckets, int.MaxValue, out var fromB), "an unlimited slice must be complete");
            Assert.True(fromA.Videos.Concat(fromB.Videos).All(v => differing.Contains(MapDigest.BucketOf(v, buckets))),
                "a slice must hold only videos of the differing buckets");
            a.Merge(fromB);
            b.Merge(fromA);
            Assert.True(a.SameStateAs(b) && a.SameStateAs(expected), "after exchanging the slices both replicas must hold a ⊔ b");
            Assert.True(a.Digest(buckets).Root == b.Digest(buckets).Root, "repaired replicas must have equal digests");
        }, print: t => $"{Generators.Show(t.Item1)}, A: {string.Join(", ", t.Item2.AsEnumerable())}, B: {string.Join(", ", t.Item3.AsEnumerable())}, {t.Item4} buckets");

    [Fact]
    public void TrySliceBuckets_ReturnsFalseWithValidPart_WhenOverLimit() =>
        Gen.Select(Generators.Map, Gen.Int[0, 5]).Sample((map, limit) =>
        {
            var complete = map.TrySliceBuckets([0], 1, limit, out var slice);
            Assert.True(complete == (map.Count <= limit), "the slice must be complete exactly when the map fits the limit");
            Assert.True(slice.Count == Math.Min(limit, map.Count), "the slice must hold up to the limit");
            Assert.True(slice.Videos.All(v => slice.Get(v).Equals(map.Get(v))), "every sliced video must carry all its entries");
        }, print: t => $"{Generators.Show(t.Item1)}, limit {t.Item2}");

    [Fact]
    public void Digest_Changes_AfterIncrementOnCachedDigest()
    {
        var map = new CounterMap();
        var video = VideoId.Parse("v1");
        map.Increment(video, ReplicaId.Parse("n1"));
        var first = map.Digest(16);
        Assert.Same(first, map.Digest(16));
        map.Increment(video, ReplicaId.Parse("n1"));
        Assert.True(map.Digest(16).Root != first.Root, "the cached digest must be dropped when the map changes");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    [InlineData(3)]
    [InlineData(MapDigest.MaxBucketCount * 2)]
    public void Digest_Throws_ForBucketCountNotAPowerOfTwoInRange(int buckets) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CounterMap().Digest(buckets));

    [Fact]
    public void DifferingBuckets_Throws_ForDifferentBucketCounts() =>
        Assert.Throws<ArgumentException>(() => new CounterMap().Digest(16).DifferingBuckets(new CounterMap().Digest(32)));
}
