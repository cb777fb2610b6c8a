using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

public class DecoderMemoryTests
{
    [Fact]
    public void DecodeMap_RejectsWithoutHugeAllocation_WhenFewBytesNameManyReplicasForManyVideos()
    {
        // 4,096 replicas, each used once, then 30,000 more one-entry videos: about 150 KB of input that would need a
        // dense map of 34,096 x 4,096 entries (over a gigabyte).
        const int replicas = 4096;
        const int videos = replicas + 30_000;
        var parts = new List<object> { (ulong)replicas };
        parts.AddRange(Enumerable.Range(0, replicas).Select(i => (object)$"r{i}"));
        parts.Add((ulong)videos);
        for (var i = 0; i < videos; i++)
        {
            parts.AddRange([$"v{i}", 1UL, (ulong)(i % replicas), 1UL]);
        }
        var input = TestBytes.Map([.. parts]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var thrown = Record.Exception(() => CrdtBinary.DecodeMap(input));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(thrown is CrdtFormatException, $"the decoder must refuse the dense blow-up, but {(thrown is null ? "accepted it" : $"threw {thrown.GetType()}")}");
        Assert.True(allocated < 64L * input.Length, $"memory must stay proportional to the {input.Length}-byte input, but {allocated} bytes were allocated");
    }

    [Fact]
    public void DecodeMap_AcceptsASparseMapOfAHundredReplicas()
    {
        var map = new CounterMap();
        for (var i = 0; i < 20_000; i++)
        {
            map.Increment(VideoId.Parse($"v{i}"), ReplicaId.Parse($"n{i % 100}"), (ulong)i + 1);
        }
        Assert.True(map.SameStateAs(CrdtBinary.DecodeMap(CrdtBinary.Encode(map))), "a legitimate sparse map must round-trip");
    }
}
