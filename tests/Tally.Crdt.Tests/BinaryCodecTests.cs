using CsCheck;
using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>Round trips and determinism of <see cref="CrdtBinary"/>.</summary>
public class BinaryCodecTests
{
    [Fact]
    public void DecodeMap_RoundTripsEncode_ForAnyMap() =>
        Generators.Map.Sample(map =>
        {
            var bytes = CrdtBinary.Encode(map);
            var decoded = CrdtBinary.DecodeMap(bytes);
            Assert.True(decoded.SameStateAs(map), "decode(encode(map)) must hold the same state");
            Assert.True(CrdtBinary.Encode(decoded).AsSpan().SequenceEqual(bytes), "re-encoding a decoded map must give the same bytes");
        }, print: Generators.Show);

    [Fact]
    public void DecodeMap_TakesVideosInAnyOrder_AndUnusedReplicasAddNoColumn()
    {
        // Encode writes ids ascending; another writer may not. n0 is listed but holds no entry.
        var bytes = TestBytes.Map(3, "n0", "n1", "n2", 3, "w", 1, 1, 4, "a", 2, 2, 5, 1, 6, "v", 1, 2, 7);
        var map = CrdtBinary.DecodeMap(bytes);
        var n1 = ReplicaId.Parse("n1");
        var n2 = ReplicaId.Parse("n2");
        Assert.Equal(3, map.Count);
        Assert.Equal(4UL, map.EntryOf(VideoId.Parse("w"), n1));
        Assert.Equal(6UL, map.EntryOf(VideoId.Parse("a"), n1));
        Assert.Equal(5UL, map.EntryOf(VideoId.Parse("a"), n2));
        Assert.Equal(7UL, map.EntryOf(VideoId.Parse("v"), n2));
        Assert.Equal([n1, n2], map.Replicas);
        Assert.Equal(["w", "a", "v"], map.Videos.Select(v => v.Value));
    }

    [Fact]
    public void DecodeCounter_RoundTripsEncode_ForAnyCounter() =>
        Generators.Counter.Sample(counter =>
        {
            var bytes = CrdtBinary.Encode(counter);
            Assert.True(CrdtBinary.DecodeCounter(bytes).Equals(counter), "decode(encode(counter)) must equal the counter");
        });

    [Fact]
    public void Encode_GivesEqualBytes_ForEqualMapsBuiltInDifferentOrders() =>
        Gen.Select(Generators.Ops, Gen.Int).Sample((ops, seed) =>
        {
            var increments = ops.Select(op => op with { Raise = false }).ToArray();
            var shuffled = increments.ToArray();
            new Random(seed).Shuffle(shuffled);
            var a = Generators.Build(increments);
            var b = Generators.Build(shuffled);
            Assert.True(a.SameStateAs(b), "increments commute, so both orders must give the same state");
            Assert.True(CrdtBinary.Encode(a).AsSpan().SequenceEqual(CrdtBinary.Encode(b)), "equal states must encode to equal bytes");
            Assert.True(CrdtBinary.Encode(a).AsSpan().SequenceEqual(CrdtBinary.Encode(a.Clone())), "a clone must encode to the same bytes");
        }, print: t => $"seed {t.Item2}: {string.Join(", ", t.Item1.AsEnumerable())}");

    [Fact]
    public void Encode_GivesEqualBytes_ForEqualMapsBuiltThroughDeltas() =>
        Gen.Select(Generators.Map, Generators.Ops).Sample((map, ops) =>
        {
            var mark = map.Version;
            foreach (var op in ops)
            {
                op.ApplyTo(map);
            }
            Assert.True(map.TryGetDeltaSince(mark, int.MaxValue, out var delta), "an unlimited delta must always be returned");
            var received = new CounterMap();
            received.Merge(delta);
            var direct = new CounterMap();
            foreach (var video in delta.Videos)
            {
                foreach (var (replica, value) in delta.Get(video).Entries)
                {
                    direct.Increment(video, replica, value);
                }
            }
            Assert.True(received.SameStateAs(direct), "a map built from a delta's entries must hold the delta's state");
            Assert.True(CrdtBinary.Encode(delta).AsSpan().SequenceEqual(CrdtBinary.Encode(direct)), "a delta must encode like any equal state");
            Assert.True(CrdtBinary.Encode(received).AsSpan().SequenceEqual(CrdtBinary.Encode(direct)), "a merged delta must encode like any equal state");
        }, print: t => $"{Generators.Show(t.Item1)} then {string.Join(", ", t.Item2.AsEnumerable())}");

    [Fact]
    public void Encode_IsUnchanged_ByAFailedIncrement()
    {
        var video = VideoId.Parse("v1");
        var map = new CounterMap();
        map.Increment(video, ReplicaId.Parse("n1"), GCounter.EntryMax);
        var before = CrdtBinary.Encode(map);
        Assert.Throws<CounterOverflowException>(() => map.Increment(video, ReplicaId.Parse("n1"), 1));
        Assert.True(CrdtBinary.Encode(map).AsSpan().SequenceEqual(before), "an increment that threw must leave the encoding as it was");
    }

    [Fact]
    public void Encode_WritesDocumentedLayout_ForASmallMap()
    {
        var map = new CounterMap();
        map.Increment(VideoId.Parse("v"), ReplicaId.Parse("n2"), 300);
        map.Increment(VideoId.Parse("v"), ReplicaId.Parse("n1"), 1);
        byte[] expected =
        [
            (byte)'T', (byte)'L', 1, 2, // magic, version 1, kind map
            2, 2, (byte)'n', (byte)'1', 2, (byte)'n', (byte)'2', // 2 replicas, ascending
            1, 1, (byte)'v', // 1 video "v"
            2, 0, 1, 1, 0xAC, 0x02, // 2 entries: column 0 = 1, column 1 = 300
        ];
        Assert.Equal(expected, CrdtBinary.Encode(map));
    }
}
