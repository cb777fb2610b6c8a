using Tally.Crdt.Serialization;
using Tally.Replication;

namespace Tally.Simulation;

/// <summary>What gossip does while one node takes a bulk load (issue 12): distinct new videos arrive at n1 in
/// batches at a steady rate, and n2 must keep up.</summary>
/// <param name="Videos">Distinct videos loaded at n1 (one view each).</param>
/// <param name="Batch">Videos per batch; batches arrive evenly at <paramref name="Rate"/> videos per simulated second.</param>
/// <param name="BehindMax">Most videos n1 held that n2 did not, sampled every 10 ms of simulated time.</param>
/// <param name="BehindMaxIntervals">The same as time at the load's rate, in gossip intervals.</param>
/// <param name="CatchUp">Simulated time from the last batch's arrival until n2 held every video.</param>
/// <param name="SentToPeer">Videos n1 sent n2 (delta and repair videos) per loaded video.</param>
/// <param name="SentBack">Videos n2 sent back to n1 per loaded video (n1 already held all of them).</param>
/// <param name="Bytes">Gossip bytes of both nodes (<see cref="GossipCodec"/>) from the load's start to the catch-up.</param>
/// <param name="EntryBytes">The changed entries' own encoding: n1's whole map (<see cref="CrdtBinary"/>).</param>
public sealed record BulkLoadResult(int Videos, int Batch, int Rate, TimeSpan Interval, long BehindMax, double BehindMaxIntervals,
    TimeSpan CatchUp, double SentToPeer, double SentBack, long Bytes, long EntryBytes, long Messages, long Digests)
{
    public double BytesPerEntryByte => Bytes / (double)EntryBytes;
}

public static class BulkLoad
{
    /// <summary>Runs the load in the simulator with the node's own defaults (two nodes, default latency, every message
    /// encoded to count its bytes) and measures what it cost.</summary>
    public static BulkLoadResult Run(int videos, int batch, int rate, int seed = 1, int? deltaVideosMax = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(videos, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        var cluster = new Cluster(new SimulationOptions
        {
            Seed = seed, Nodes = 2, Videos = videos, Fanout = 1, Wire = WireMode.Size, Sample = false, DeltaVideosMax = deltaVideosMax,
        });
        cluster.AddNode();
        cluster.AddNode();
        cluster.RunRounds(3); // the two nodes meet
        var (n1, n2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var bytes0 = cluster.Stats.BytesSent;
        var messages0 = cluster.Stats.MessagesSent;
        var start = cluster.Time.Now;
        var batches = (videos + batch - 1) / batch;
        var spacing = TimeSpan.TicksPerSecond * (long)batch / rate;
        for (var b = 0; b < batches; b++)
        {
            var first = b * batch;
            cluster.At(start + b * spacing, () =>
            {
                for (var v = first; v < Math.Min(videos, first + batch); v++)
                {
                    cluster.View(0, v);
                }
            });
        }
        long behindMax = 0;
        var step = TimeSpan.TicksPerMillisecond * 10;
        var loaded = start + (batches - 1) * spacing;
        var limit = loaded + 600 * cluster.IntervalTicks;
        var now = start;
        while (n2.Core!.State.Count < videos || cluster.AcknowledgedTotal < (ulong)videos)
        {
            if (now > limit)
            {
                throw new SimulationFailedException($"n2 held {n2.Core.State.Count} of {videos} videos 600 rounds after the load; Seed={seed}; rerun with --seed {seed}");
            }
            now += step;
            cluster.RunUntil(now);
            behindMax = Math.Max(behindMax, n1.Core!.State.Count - n2.Core.State.Count);
        }
        if (cluster.Checkers.First is { } violation)
        {
            throw new SimulationFailedException($"{violation}; Seed={seed}; rerun with --seed {seed}");
        }
        var interval = cluster.Replication.GossipInterval;
        var (s1, s2) = (n1.Core!.Stats, n2.Core.Stats);
        return new BulkLoadResult(videos, batch, rate, interval, behindMax,
            behindMax / (double)rate / interval.TotalSeconds, TimeSpan.FromTicks(Math.Max(0, now - loaded)),
            (s1.DeltaVideosOut + s1.RepairVideosOut) / (double)videos, (s2.DeltaVideosOut + s2.RepairVideosOut) / (double)videos,
            cluster.Stats.BytesSent - bytes0, CrdtBinary.Encode(n1.Core.State).Length, cluster.Stats.MessagesSent - messages0,
            s1.DigestsOut + s2.DigestsOut);
    }
}
