using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>A decoded map is a full <see cref="CounterMap"/>, not just a state: a node loads its snapshot with the
/// binary decoder and then serves deltas from it, so the versions and change marks the decoder leaves must be right.</summary>
public class DecodedMapTests
{
    static readonly ReplicaId N1 = ReplicaId.Parse("n1");
    static readonly ReplicaId N2 = ReplicaId.Parse("n2");

    static CounterMap Decoded()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("a"), N1, 4);
        map.Increment(VideoId.Parse("a"), N2, 6);
        map.Increment(VideoId.Parse("b"), N2, 9);
        map.Increment(VideoId.Parse("c"), N1, 2);
        return CrdtBinary.DecodeMap(CrdtBinary.Encode(map));
    }

    [Fact]
    public void DecodeMap_StampsOneVersionPerVideo_InEncodedOrder()
    {
        var map = Decoded();
        Assert.Equal(3, map.Version);
        Assert.True(map.TryGetDeltaSince(2, 10, out var last) && last.Count == 1 && last.Contains(VideoId.Parse("c")),
            "videos are encoded in ascending order, so c is the newest change");
        Assert.False(map.TryGetOldestChangesSince(0, 1, 0, out var first, out var upTo), "two more videos are left after the first");
        Assert.True(first.Contains(VideoId.Parse("a")) && first.Count == 1 && upTo == 1, "a is the oldest change");
    }

    [Fact]
    public void TryGetDeltaSince_OfADecodedMap_CarriesWholeRows()
    {
        var map = Decoded();
        Assert.True(map.TryGetDeltaSince(0, 10, out var all) && all.SameStateAs(map), "the delta since 0 must be the whole state");
        Assert.True(map.TryGetDeltaSince(0, 10, 0, out all) && all.EntryOf(VideoId.Parse("a"), N1) == 4 && all.EntryOf(VideoId.Parse("a"), N2) == 6,
            "a row decoded with two entries must send both");
        map.Increment(VideoId.Parse("a"), N1);
        Assert.True(map.TryGetDeltaSince(3, 10, out var delta) && delta.Replicas.Count == 1 && delta.EntryOf(VideoId.Parse("a"), N1) == 5,
            "a later change to a decoded row sends the raised entry alone");
    }

    [Fact]
    public void Join_ChangesNoVersion_WhenTheEntryIsEqual()
    {
        var map = Decoded();
        Assert.Equal(6UL, map.Join(VideoId.Parse("a"), N2, 6));
        Assert.True(map.Version == 3 && map.CountChangedSince(3) == 0, "joining an equal entry is not a change");
        Assert.Equal(7UL, map.Join(VideoId.Parse("a"), N2, 7));
        Assert.True(map.Version == 4 && map.CountChangedSince(3) == 1, "joining a higher entry is one change");
    }
}
