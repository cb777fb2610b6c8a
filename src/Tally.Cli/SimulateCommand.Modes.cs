using System.Diagnostics;
using Tally.Simulation;

namespace Tally.Cli;

/// <summary>The modes of <c>tally simulate</c> that are not one run: many swarm seeds, and the measurements.</summary>
static partial class SimulateCommand
{
    static int MeasureDeltaBytes(int videos, int changed, int seed)
    {
        if (changed < 1 || changed > videos)
        {
            Console.Error.WriteLine($"--delta-bytes must be from 1 to --videos ({videos}).");
            return 2;
        }
        var wall = Stopwatch.StartNew();
        var m = Measurements.DeltaVersusFullState(videos, changed, seed);
        Console.WriteLine(Invariant($"2 nodes, {m.Videos} videos: initial copy took {m.SyncRounds} rounds (digest repair in slices)."));
        Console.WriteLine(Invariant($"Idle: {m.IdleBytesPerRound:F0} bytes per round (both nodes)."));
        Console.WriteLine(Invariant($"{m.Changed} videos changed: delta gossip carried them in {m.DeltaRounds} round(s), {m.DeltaBytesPerRound:F0} bytes per round."));
        Console.WriteLine(Invariant($"Whole state: {m.FullStateBytes} bytes per message, {m.FullStateBytesPerRound} bytes per round (both nodes push it): {m.FullStateBytesPerRound / Math.Max(1, m.DeltaBytesPerRound):F0}x the delta round."));
        Console.WriteLine(Invariant($"Measured in {wall.Elapsed.TotalSeconds:F1} s."));
        return 0;
    }

    static int MeasureBulkLoad(int videos, int batch, int rate, int seed)
    {
        if (batch < 1 || rate < 1)
        {
            Console.Error.WriteLine("--bulk-load and --rate must be positive.");
            return 2;
        }
        var wall = Stopwatch.StartNew();
        var m = BulkLoad.Run(videos, batch, rate, seed);
        Console.WriteLine(Invariant($"2 nodes, {m.Videos} new videos at n1 in batches of {m.Batch}, {m.Rate} videos per simulated second, gossip interval {m.Interval.TotalMilliseconds} ms."));
        Console.WriteLine(Invariant($"n2 behind at most {m.BehindMax} videos = {m.BehindMaxIntervals:F2} intervals at the load's rate; caught up {m.CatchUp.TotalSeconds:F2} s after the last batch."));
        Console.WriteLine(Invariant($"Videos sent per loaded video: n1 to n2 {m.SentToPeer:F2}, n2 back to n1 {m.SentBack:F2}; {m.Digests} digests."));
        Console.WriteLine(Invariant($"Gossip: {m.Messages} messages, {m.Bytes} bytes = {m.BytesPerEntryByte:F2}x the entries' own encoding ({m.EntryBytes} bytes)."));
        Console.WriteLine(Invariant($"Measured in {wall.Elapsed.TotalSeconds:F1} s."));
        return 0;
    }

    /// <summary>Runs swarm seeds <paramref name="first"/>.. and prints one line per failure.</summary>
    static int RunSwarm(int first, int count)
    {
        var failed = 0;
        long crashes = 0, losses = 0, twins = 0, joins = 0, leaves = 0, messages = 0, raises = 0, written = 0, diskFailures = 0;
        long confirmed = 0, unconfirmed = 0, reads = 0, readsShort = 0;
        var wall = Stopwatch.StartNew();
        for (var seed = first; seed < first + count; seed++)
        {
            var options = Swarm.Draw(seed);
            options.Wire = WireMode.Full;
            var result = Simulator.Run(options);
            (crashes, losses, twins) = (crashes + result.Stats.Crashes, losses + result.Stats.DiskLosses, twins + result.Stats.Twins);
            (joins, leaves, messages) = (joins + result.Stats.Joins, leaves + result.Stats.Leaves, messages + result.Delivered);
            raises += result.Stats.RaisesAccepted;
            (written, diskFailures) = (written + result.Stats.WrittenUnreported, diskFailures + result.Stats.DiskFailures);
            (confirmed, unconfirmed) = (confirmed + result.Stats.LevelWritesConfirmed, unconfirmed + result.Stats.LevelWritesUnconfirmed);
            (reads, readsShort) = (reads + result.Stats.MajorityReadsAnswered, readsShort + result.Stats.MajorityReadsTimedOut);
            if (!result.Passed)
            {
                failed++;
                Console.WriteLine($"FAILED: {result.Describe()}");
            }
        }
        Console.WriteLine(Invariant($"Swarm: {count - failed} of {count} seeds passed in {wall.Elapsed.TotalSeconds:F1} s: {messages} messages delivered, {crashes} crashes, {losses} disk losses (none guarded), {twins} second processes with a running node's name, {joins} joins, {leaves} leaves, {raises} raises to the edge of the number domain taken, {diskFailures} failed appends, {written} appends written but unreported at a crash, {confirmed} writes above w=1 confirmed and {unconfirmed} unconfirmed, {reads} majority reads checked and {readsShort} short of a majority."));
        return failed == 0 ? 0 : 1;
    }

    static int MeasureCoreBaseline(SimulationOptions options)
    {
        var b = Measurements.CoreOnly(options.Nodes, Math.Max(1, options.Rounds), options.Fanout, options.Seed);
        Console.WriteLine(Invariant($"Core only, {b.Nodes} nodes, fanout {options.Fanout}, {b.Rounds} rounds: {b.Messages} messages in {b.Wall.TotalSeconds:F2} s wall ({b.Cpu.TotalSeconds:F2} s CPU): {b.PerWallSecond:F0} per wall-clock second, {b.PerCpuSecond:F0} per CPU second."));
        return 0;
    }
}
