namespace Tally.Crdt.Tests;

/// <summary>The receiver-knowledge argument of the delta methods (<c>entriesSince</c>) and their argument checks.</summary>
public class DeltaArgumentTests
{
    static readonly VideoId V = VideoId.Parse("v");
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");
    static readonly ReplicaId N2 = ReplicaId.Parse("n2");
    static readonly ReplicaId N3 = ReplicaId.Parse("n3");

    /// <summary>v: n1 raised at version 1, n2 at version 2, n3 at version 3.</summary>
    static CounterMap ThreeChanges()
    {
        var map = new CounterMap();
        map.Increment(V, N1, 5);
        map.Increment(V, N2, 6);
        map.Increment(V, N3, 7);
        return map;
    }

    [Fact]
    public void TryGetDeltaSince_CarriesTheOneRaisedEntry_WhenTheReceiverHeldTheRowAtTheChangeBefore()
    {
        Assert.True(ThreeChanges().TryGetDeltaSince(2, 10, entriesSince: 2, out var delta));
        Assert.True(delta.Replicas.Count == 1 && delta.EntryOf(V, N3) == 7, "the change before the last (2) is known: only n3 goes");
    }

    [Fact]
    public void TryGetDeltaSince_CarriesTheWholeRow_WhenTheReceiverMayMissTheChangeBefore()
    {
        Assert.True(ThreeChanges().TryGetDeltaSince(2, 10, entriesSince: 1, out var delta));
        Assert.True(delta.Replicas.Count == 3 && delta.EntryOf(V, N1) == 5 && delta.EntryOf(V, N2) == 6 && delta.EntryOf(V, N3) == 7,
            "the change at 2 is not known to hold: the whole row goes");
        Assert.True(ThreeChanges().TryGetOldestChangesSince(2, 10, entriesSince: 1, out var part, out var upTo) && upTo == 3);
        Assert.True(part.Replicas.Count == 3, "oldest-first parts follow the same rule");
        Assert.True(ThreeChanges().TryGetOldestChangesSince(2, 10, entriesSince: 2, out part, out _) && part.Replicas.Count == 1,
            "oldest-first parts carry the one raised entry when the change before is known");
    }

    [Fact]
    public void TryGetDeltaSince_Throws_WhenEntriesSinceIsAfterTheMark()
    {
        var map = ThreeChanges();
        Assert.Throws<ArgumentOutOfRangeException>(() => map.TryGetDeltaSince(1, 10, entriesSince: 2, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.TryGetOldestChangesSince(1, 10, entriesSince: 2, out _, out _));
        Assert.True(map.TryGetDeltaSince(2, 10, entriesSince: 2, out _), "entriesSince equal to the mark is allowed");
    }

    [Fact]
    public void TryGetOldestChangesSince_Throws_ForALimitBelowOne()
    {
        var map = ThreeChanges();
        Assert.Throws<ArgumentOutOfRangeException>(() => map.TryGetOldestChangesSince(0, 0, 0, out _, out _));
        Assert.True(map.TryGetOldestChangesSince(2, 1, 2, out var part, out var upTo) && part.Count == 1 && upTo == 3,
            "a limit of one takes one video");
    }

    [Fact]
    public void TryGetOldestChangesSince_StandsForTheMapsVersion_WhenNothingChangedAfterTheMark()
    {
        var map = ThreeChanges();
        Assert.True(map.TryGetOldestChangesSince(3, 5, 3, out var part, out var upTo) && part.Count == 0 && upTo == 3);
        var empty = new CounterMap();
        Assert.True(empty.TryGetOldestChangesSince(0, 5, 0, out part, out upTo) && part.Count == 0 && upTo == 0,
            "an empty map stands for version 0");
    }
}
