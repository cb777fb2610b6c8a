using System.Globalization;
using System.Text;

namespace Tally.Maelstrom.StandIn;

/// <summary>What a run did and the verdict. Traffic is given for the main phase (<paramref name="Main"/>, up to the
/// final heal) and for the whole run (<paramref name="All"/>, through the recovery wait and the final reads).</summary>
internal sealed record RunResult(StandInOptions Options, bool Initialized, CheckResult Check, IReadOnlyList<Op> Ops,
    NetworkStats Main, NetworkStats All, IReadOnlyList<string> Events, IReadOnlyList<string> Violations, double Seconds)
{
    public bool Valid => Initialized && Check.Valid && Violations.Count == 0;

    public int AddsOk => Ops.Count(o => o.F == "add" && o.Type == OpType.Ok);

    public int AddsInfo => Ops.Count(o => o.F == "add" && o.Type == OpType.Info);

    public int ReadsOk => Ops.Count(o => o.F == "read" && o.Type == OpType.Ok);

    public int ReadsInfo => Ops.Count(o => o.F == "read" && o.Type == OpType.Info);

    /// <summary>Messages between nodes per acknowledged add over the whole run.</summary>
    public double MessagesPerAdd => AddsOk == 0 ? double.NaN : (double)All.Messages / AddsOk;

    public double BytesPerAdd => AddsOk == 0 ? double.NaN : (double)All.Bytes / AddsOk;

    /// <summary>Maelstrom's own statistic (net/checker.clj): messages between servers per client operation invoked.</summary>
    public double ServerMessagesPerOp => Ops.Count == 0 ? double.NaN : (double)All.Messages / Ops.Count;

    public string Report()
    {
        var o = Options;
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"g-counter stand-in: {o.Bin} {string.Join(' ', o.Args)}");
        s.AppendLine(CultureInfo.InvariantCulture,
            $"  {o.NodeCount} nodes, {o.Workers} workers, rate {o.Rate}/s, {o.TimeLimit.TotalSeconds}s, " +
            $"nemesis {(o.Partitions ? $"partition every ~{o.NemesisInterval.TotalSeconds}s" : "none")}, " +
            $"latency {o.LatencyMeanMs}ms {o.LatencyDistribution.ToString().ToLowerInvariant()}, recovery {o.Recovery.TotalSeconds}s, seed {o.Seed}");
        s.AppendLine(CultureInfo.InvariantCulture, $"  adds: {AddsOk} ok, {AddsInfo} indeterminate; reads: {ReadsOk} ok, {ReadsInfo} indeterminate");
        s.AppendLine(CultureInfo.InvariantCulture, $"  acknowledged sum {Check.DefiniteSum}; acceptable final values {Checker.Format(Check.Acceptable)}; final reads [{string.Join(", ", Check.FinalReads)}]");
        s.AppendLine(CultureInfo.InvariantCulture,
            $"  between nodes: {All.Messages} messages, {All.Bytes} bytes ({Main.Messages} and {Main.Bytes} up to the final heal); " +
            $"{All.DroppedByPartition} dropped by partitions");
        s.AppendLine(CultureInfo.InvariantCulture,
            $"  per acknowledged add: {MessagesPerAdd:F2} messages, {BytesPerAdd:F0} bytes; server messages per operation (Maelstrom's msgs-per-op): {ServerMessagesPerOp:F2}");
        foreach (var e in Events)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  {e}");
        }
        foreach (var v in Violations)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  VIOLATION {v}");
        }
        foreach (var e in Check.Errors.Take(20))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  ERROR {e}");
        }
        s.AppendLine(Check.MaelstromValid ? "  Maelstrom's checker: valid" : "  Maelstrom's checker: INVALID");
        s.Append(Valid ? "Everything looks good!" : $"INVALID. Seed={o.Seed}; rerun with --seed {o.Seed}");
        return s.ToString();
    }
}
