using CsCheck;

namespace Tally.Crdt.Tests;

/// <summary>Deltas carry changed entries, not whole rows (issue 12): a row whose only change since the mark raised one
/// entry contributes that entry alone, and any delta is still a join-decomposition of the change.</summary>
public class EntryDeltaTests
{
    static readonly ReplicaId[] Replicas = [.. Enumerable.Range(1, 100).Select(i => ReplicaId.Parse($"n{i}"))];
    static readonly VideoId V = VideoId.Parse("v1");

    static CounterMap RowOfHundred()
    {
        var map = new CounterMap();
        foreach (var r in Replicas)
        {
            map.Increment(V, r, 3);
        }
        return map;
    }

    [Fact]
    public void TryGetDeltaSince_CarriesOnlyTheRaisedEntry_WhenOneViewChangedARowOfAHundred()
    {
        var map = RowOfHundred();
        var mark = map.Version;
        map.Increment(V, Replicas[42]);
        Assert.True(map.TryGetDeltaSince(mark, int.MaxValue, out var delta));
        Assert.True(delta.Replicas.Count == 1 && delta.EntryOf(V, Replicas[42]) == 4,
            $"one raised entry of 100 must go alone, went with {delta.Replicas.Count} replicas");
    }

    [Fact]
    public void TryGetDeltaSince_CarriesOnlyTheRaisedEntry_WhenAMergeRaisedOneEntry()
    {
        var map = RowOfHundred();
        var peer = map.Clone();
        peer.Increment(V, Replicas[7], 5);
        var mark = map.Version;
        map.Merge(peer);
        Assert.True(map.TryGetDeltaSince(mark, int.MaxValue, out var delta));
        Assert.True(delta.Replicas.Count == 1 && delta.EntryOf(V, Replicas[7]) == 8, "a merge that raised one entry must send that entry alone");
    }

    [Fact]
    public void TryGetDeltaSince_CarriesTheWholeRow_WhenTheRowChangedTwiceSinceTheMark()
    {
        var map = RowOfHundred();
        var mark = map.Version;
        map.Increment(V, Replicas[1]);
        map.Increment(V, Replicas[2]);
        Assert.True(map.TryGetDeltaSince(mark, int.MaxValue, out var delta));
        Assert.True(delta.EntryOf(V, Replicas[1]) == 4 && delta.EntryOf(V, Replicas[2]) == 4, "both raised entries must go");
        Assert.True(map.TryGetDeltaSince(map.Version - 1, int.MaxValue, out var last) && last.Replicas.Count == 1,
            "since the first of the two changes, only the second one's entry must go");
    }

    [Fact]
    public void TryGetDeltaSince_HoldsTheCurrentValueOfEveryEntryItCarries() =>
        Gen.Select(Generators.Map, Generators.Ops).Sample((map, ops) =>
        {
            var mark = map.Version;
            foreach (var op in ops)
            {
                op.ApplyTo(map);
            }
            Assert.True(map.TryGetDeltaSince(mark, int.MaxValue, out var delta));
            foreach (var video in delta.Videos)
            {
                foreach (var (replica, entry) in delta.Get(video).Entries)
                {
                    Assert.True(map.EntryOf(video, replica) == entry, $"{video}/{replica}: a delta carries current entries only");
                }
            }
            var touched = ops.GroupBy(op => op.Video).Where(g => g.Count() == 1 && !map.Get(g.Key).Equals(GCounter.Empty)).Select(g => g.Key);
            foreach (var video in touched)
            {
                Assert.True(delta.Get(video).Entries.Count() <= 1, $"{video} changed once since the mark: at most its raised entry goes");
            }
        });
}
