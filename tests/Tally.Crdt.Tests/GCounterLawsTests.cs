using CsCheck;

namespace Tally.Crdt.Tests;

/// <summary>The join-semilattice laws of <see cref="GCounter"/> (Shapiro et al. 2011), as properties.</summary>
public class GCounterLawsTests
{
    static readonly Gen<ReplicaId[]> SomeReplicas = Generators.Replica.Array[1, 4];

    /// <summary>A distinct instance with the same state, so merge cannot take its reference-equality shortcut.</summary>
    static GCounter Copy(GCounter counter) => GCounter.FromEntries(counter.Entries);

    [Fact]
    public void Merge_IsCommutative_ForAnyTwoCounters() =>
        Gen.Select(Generators.Counter, Generators.Counter).Sample((a, b) =>
            Assert.True(a.Merge(b).Equals(b.Merge(a)), "a ⊔ b must equal b ⊔ a"));

    [Fact]
    public void Merge_IsAssociative_ForAnyThreeCounters() =>
        Gen.Select(Generators.Counter, Generators.Counter, Generators.Counter).Sample((a, b, c) =>
            Assert.True(a.Merge(b).Merge(c).Equals(a.Merge(b.Merge(c))), "(a ⊔ b) ⊔ c must equal a ⊔ (b ⊔ c)"));

    [Fact]
    public void Merge_IsIdempotent_ForAnyTwoCounters() =>
        Gen.Select(Generators.Counter, Generators.Counter).Sample((a, b) =>
        {
            Assert.True(a.Merge(Copy(a)).Equals(a), "a ⊔ a must equal a");
            var ab = a.Merge(b);
            Assert.True(ab.Merge(b).Equals(ab), "(a ⊔ b) ⊔ b must equal a ⊔ b");
            Assert.True(ab.Merge(a).Equals(ab), "(a ⊔ b) ⊔ a must equal a ⊔ b");
        });

    [Fact]
    public void Merge_TakesPerReplicaMax_ForAnyTwoCounters() =>
        Gen.Select(Generators.Counter, Generators.Counter).Sample((a, b) =>
        {
            var merged = a.Merge(b);
            foreach (var replica in a.Entries.Concat(b.Entries).Select(e => e.Key))
            {
                Assert.True(merged.EntryOf(replica) == Math.Max(a.EntryOf(replica), b.EntryOf(replica)),
                    $"entry of {replica} must be the max of both sides");
            }
            Assert.True(merged.Value == merged.Entries.Aggregate(0UL, (sum, e) => sum + e.Value), "Value must be the sum of the entries");
        });

    [Fact]
    public void Merge_NeverLowersAnEntryOrTheValue_ForAnyTwoCounters() =>
        Gen.Select(Generators.Counter, Generators.Counter).Sample((a, b) =>
        {
            var merged = a.Merge(b);
            Assert.True(merged.Value >= a.Value && merged.Value >= b.Value, "the merged value must be at least each side's");
            foreach (var (replica, value) in a.Entries.Concat(b.Entries))
            {
                Assert.True(merged.EntryOf(replica) >= value, $"merge must not lower the entry of {replica}");
            }
        });

    [Fact]
    public void Increment_RaisesValueAndEntryByExactlyK_ForAnyCounter() =>
        Gen.Select(Generators.Counter, Generators.Replica, Generators.Amount).Sample((counter, replica, k) =>
        {
            var after = counter.Increment(replica, k);
            Assert.True(after.Value == counter.Value + k, "Value must rise by exactly k");
            Assert.True(after.EntryOf(replica) == counter.EntryOf(replica) + k, "the replica's entry must rise by exactly k");
            foreach (var (other, value) in counter.Entries.Where(e => e.Key != replica))
            {
                Assert.True(after.EntryOf(other) == value, $"the entry of {other} must not change");
            }
        });

    [Fact]
    public void Increment_NeverLowersAnything_ForAnySequence() =>
        Gen.Select(SomeReplicas, Generators.Amount.Array[1, 12]).Sample((replicas, amounts) =>
        {
            var counter = GCounter.Empty;
            for (var i = 0; i < amounts.Length; i++)
            {
                var next = counter.Increment(replicas[i % replicas.Length], amounts[i]);
                Assert.True(next.Value > counter.Value, "a positive increment must raise the value");
                Assert.True(counter.Entries.All(e => next.EntryOf(e.Key) >= e.Value), "an increment must not lower any entry");
                Assert.True(next.Merge(counter).Equals(next), "the old state must be below the new one");
                counter = next;
            }
        });

    [Fact]
    public void Equals_AgreesWithGetHashCode_ForCountersBuiltInAnyOrder() =>
        Generators.Counter.Sample(counter =>
        {
            var reversed = GCounter.FromEntries(counter.Entries.Reverse());
            Assert.True(reversed.Equals(counter), "the entry order given to FromEntries must not matter");
            Assert.True(reversed.GetHashCode() == counter.GetHashCode(), "equal counters must have equal hashes");
            Assert.True(counter.Entries.Select(e => e.Key).SequenceEqual(counter.Entries.Select(e => e.Key).Order()),
                "entries must be sorted by replica id");
            Assert.True(counter.Entries.All(e => e.Value > 0), "no zero entry may be stored");
        });
}
