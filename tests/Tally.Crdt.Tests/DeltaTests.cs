using CsCheck;

namespace Tally.Crdt.Tests;

/// <summary>Delta-state properties (Almeida, Shoker, Baquero 2018): a delta joined into the state it was taken from
/// gives the state after the operation, in any order and any number of times.</summary>
public class DeltaTests
{
    static readonly Gen<(CounterMap, Op[])> MapAndOps = Gen.Select(Generators.Map, Generators.Ops);

    static string Show((CounterMap, Op[]) t) => $"{Generators.Show(t.Item1)} then {string.Join(", ", t.Item2.AsEnumerable())}";

    static CounterMap DeltaSince(CounterMap map, long mark)
    {
        Assert.True(map.TryGetDeltaSince(mark, int.MaxValue, out var delta), "an unlimited delta must always be returned");
        return delta;
    }

    [Fact]
    public void TryGetDeltaSince_JoinedIntoOldState_GivesNewState() =>
        MapAndOps.Sample((map, ops) =>
        {
            var mark = map.Version;
            var old = map.Clone();
            foreach (var op in ops)
            {
                op.ApplyTo(map);
            }
            var delta = DeltaSince(map, mark);
            old.Merge(delta);
            Assert.True(old.SameStateAs(map), "state ⊔ delta(ops) must equal ops(state)");
            var touched = ops.Select(op => op.Video).Distinct().ToList();
            Assert.True(delta.Count == touched.Count && touched.All(delta.Contains), "the delta must hold exactly the videos the ops touched");
            Assert.True(map.CountChangedSince(mark) == touched.Count, "CountChangedSince must count the touched videos");
        }, print: Show);

    [Fact]
    public void Single_JoinedIntoOldState_GivesStateAfterThatOp() =>
        MapAndOps.Sample((map, ops) =>
        {
            foreach (var op in ops)
            {
                var old = map.Clone();
                var entry = op.ApplyTo(map);
                old.Merge(CounterMap.Single(op.Video, op.Replica, entry));
                Assert.True(old.SameStateAs(map), $"state ⊔ Single(...) must equal the state after {op}");
            }
        }, print: Show);

    [Fact]
    public void TryGetDeltaSince_IsEmpty_WhenNothingChanged() =>
        Generators.Map.Sample(map =>
        {
            var delta = DeltaSince(map, map.Version);
            Assert.True(delta.Count == 0 && map.CountChangedSince(map.Version) == 0, "nothing changed since the current version");
            Assert.True(DeltaSince(map, 0).SameStateAs(map), "the delta since 0 must be the whole state");
        }, print: Generators.Show);

    [Fact]
    public void TryGetDeltaSince_ReturnsFalse_WhenMoreVideosChangedThanAllowed() =>
        MapAndOps.Sample((map, ops) =>
        {
            var mark = map.Version;
            foreach (var op in ops)
            {
                op.ApplyTo(map);
            }
            var changed = map.CountChangedSince(mark);
            Assert.True(map.TryGetDeltaSince(mark, changed, out var delta) && delta.Count == changed, "a limit equal to the change count must be enough");
            if (changed > 0)
            {
                Assert.False(map.TryGetDeltaSince(mark, changed - 1, out _), "a limit below the change count must fail");
            }
        }, print: Show);

    [Fact]
    public void TryGetDeltaSince_OnClone_EqualsDeltaOnOriginal_ForAnyMark() =>
        Gen.Select(Generators.Map, Generators.Ops, Gen.Double[0, 1]).Sample((map, ops, at) =>
        {
            foreach (var op in ops)
            {
                op.ApplyTo(map);
            }
            var mark = (long)(at * map.Version);
            var clone = map.Clone();
            Assert.True(clone.CountChangedSince(mark) == map.CountChangedSince(mark), $"a clone must report the same changes since {mark}");
            Assert.True(DeltaSince(clone, mark).SameStateAs(DeltaSince(map, mark)), $"a clone must give the same delta since {mark}");
        }, print: t => $"{Generators.Show(t.Item1)} then {string.Join(", ", t.Item2.AsEnumerable())}, mark at {t.Item3:P0}");

    [Fact]
    public void Merge_OfDeltas_GivesSameState_InAnyOrderAndDuplicated() =>
        Gen.Select(Generators.Map, Generators.Ops.Array[1, 4], Gen.Int, Gen.Int[0, 8]).Sample((start, batches, seed, duplicates) =>
        {
            var map = start.Clone();
            var deltas = new List<CounterMap>();
            foreach (var batch in batches)
            {
                var mark = map.Version;
                foreach (var op in batch)
                {
                    deltas.Add(CounterMap.Single(op.Video, op.Replica, op.ApplyTo(map)));
                }
                deltas.Add(DeltaSince(map, mark));
            }
            // The order and the duplicates come from a seed that CsCheck drew, so a failure replays exactly.
            var random = new Random(seed);
            var shuffled = deltas.Concat(Enumerable.Range(0, duplicates).Select(_ => deltas[random.Next(deltas.Count)])).ToArray();
            random.Shuffle(shuffled);
            var replica = start.Clone();
            foreach (var delta in shuffled)
            {
                replica.Merge(delta);
            }
            Assert.True(replica.SameStateAs(map), "start ⊔ all deltas, in any order and duplicated, must equal the final state");
            var fresh = new CounterMap();
            foreach (var delta in shuffled.Reverse())
            {
                fresh.Merge(delta);
            }
            fresh.Merge(start);
            Assert.True(fresh.SameStateAs(map), "deltas joined before the start state must give the same final state");
        }, print: t => $"{Generators.Show(t.Item1)} then {string.Join(" / ", t.Item2.Select(b => string.Join(", ", b.AsEnumerable())))}, seed {t.Item3}, {t.Item4} duplicates");
}
