using CsCheck;

namespace Tally.Crdt.Tests;

/// <summary>Oldest-first parts of a backlog (issue 12): a peer that merges the parts in turn, each starting at the
/// version the last one stood for, ends with the whole state, even when videos change between parts.</summary>
public class OldestChangesTests
{
    static readonly Gen<(CounterMap Map, Op[] Ops, Op[] Later, int Max)> Cases =
        Gen.Select(Generators.Map, Generators.Ops, Generators.Ops, Gen.Int[1, 5]);

    [Fact]
    public void TryGetOldestChangesSince_PartsMergedInTurn_GiveTheNewState_WhenVideosChangeBetweenParts() =>
        Cases.Sample(c =>
        {
            var (map, ops, later, max) = c;
            var mark = map.Version;
            var strong = mark; // the peer holds the whole state as of here; a part's upTo is not such a version
            var peer = map.Clone();
            foreach (var op in ops)
            {
                op.ApplyTo(map);
            }
            var next = 0;
            for (var parts = 0; ; parts++)
            {
                Assert.True(parts <= ops.Length + later.Length + 1, "every part must make progress");
                var complete = map.TryGetOldestChangesSince(mark, max, strong, out var part, out var upTo);
                Assert.True(part.Count <= max, $"a part holds at most {max} videos, held {part.Count}");
                Assert.True(upTo >= mark && upTo <= map.Version, $"a part stands for a version from the mark ({mark}) to the map's ({map.Version}), was {upTo}");
                Assert.True(complete == (upTo == map.Version), "complete means the part reaches the map's version");
                Assert.True(part.Count == Math.Min(max, map.CountChangedSince(mark)), "a part takes as many changed videos as fit");
                peer.Merge(part);
                mark = upTo;
                if (next < later.Length)
                {
                    later[next++].ApplyTo(map);
                }
                else if (complete)
                {
                    break;
                }
            }
            Assert.True(peer.SameStateAs(map), "the parts merged in turn must give the whole state");
        });

    [Fact]
    public void TryGetOldestChangesSince_TakesTheOldestChanges_AndStandsForTheLastOneTaken()
    {
        var map = new CounterMap();
        var r = ReplicaId.Parse("r1");
        foreach (var v in new[] { "a", "b", "c", "d" })
        {
            map.Increment(VideoId.Parse(v), r);
        }
        map.Increment(VideoId.Parse("a"), r); // a is now the newest change (version 5)

        Assert.False(map.TryGetOldestChangesSince(0, 2, 0, out var part, out var upTo), "2 of 4 changed videos leave a backlog");
        Assert.True(part.Contains(VideoId.Parse("b")) && part.Contains(VideoId.Parse("c")) && part.Count == 2, "the oldest changes are b and c");
        Assert.Equal(3, upTo);
        Assert.True(map.TryGetOldestChangesSince(upTo, 2, 0, out part, out upTo), "d and a complete the backlog");
        Assert.Equal(2UL, part.EntryOf(VideoId.Parse("a"), r));
        Assert.Equal(map.Version, upTo);
        Assert.True(map.TryGetOldestChangesSince(map.Version, 2, 0, out part, out upTo) && part.Count == 0 && upTo == map.Version,
            "nothing changed after the map's version: an empty, complete part");
    }
}
