namespace Tally.Maelstrom.StandIn;

/// <summary>The verdict on a history.</summary>
/// <param name="Valid">Maelstrom's verdict and every stricter check passed.</param>
/// <param name="MaelstromValid">Maelstrom's own verdict: every ok final read is acceptable.</param>
/// <param name="Acceptable">The closed ranges a final read may fall in.</param>
/// <param name="Errors">Why not valid; empty when valid.</param>
internal sealed record CheckResult(bool Valid, bool MaelstromValid, long DefiniteSum, IReadOnlyList<(long Lower, long Upper)> Acceptable,
    IReadOnlyList<long> FinalReads, IReadOnlyList<string> Errors);

/// <summary>The g-counter checker (maelstrom/workload/pn_counter.clj, which g-counter reuses): every ok final read
/// must equal the sum of the ok adds plus the deltas of any subset of the indeterminate (info) adds. The stand-in adds
/// stricter checks Maelstrom leaves out: every node answered its final read; no read, final or not, exceeds the adds
/// that might have happened before it completed; and a node's reads never go down.</summary>
internal static class Checker
{
    public static CheckResult Check(History history, IReadOnlyList<string> nodes)
    {
        var ops = history.Ops;
        var adds = ops.Where(o => o.F == "add").ToList();
        var definite = adds.Where(o => o.Type == OpType.Ok).Sum(o => o.Value!.Value);
        var acceptable = AcceptableSums(definite, adds.Where(o => o.Type == OpType.Info).Select(o => o.Value!.Value));
        var reads = ops.Where(o => o.F == "read" && o.Type == OpType.Ok).ToList();
        var finals = reads.Where(o => o.Final).ToList();
        var errors = new List<string>();

        foreach (var read in finals.Where(r => !acceptable.Any(a => a.Lower <= r.Value && r.Value <= a.Upper)))
        {
            errors.Add($"final read {read.Value} on {read.Node} is outside the acceptable values {Format(acceptable)}");
        }
        var maelstromValid = errors.Count == 0;
        foreach (var node in nodes.Where(n => !finals.Any(r => r.Node == n)))
        {
            errors.Add($"{node} gave no final read");
        }
        foreach (var read in reads)
        {
            var possible = adds.Where(a => a.Type != OpType.Fail && a.Invoked < read.Completed).Sum(a => a.Value!.Value);
            if (read.Value > possible)
            {
                errors.Add($"read {read.Value} on {read.Node} at {read.Completed:F3}s exceeds the {possible} that adds invoked before it could make");
            }
        }
        foreach (var group in reads.GroupBy(r => r.Node))
        {
            var byCompletion = group.OrderBy(r => r.Completed).ToList();
            foreach (var later in byCompletion)
            {
                if (byCompletion.FirstOrDefault(e => e.Completed < later.Invoked && e.Value > later.Value) is { } earlier)
                {
                    errors.Add($"reads on {later.Node} went down: {earlier.Value} at {earlier.Completed:F3}s, then {later.Value} at {later.Completed:F3}s");
                    break;
                }
            }
        }
        return new CheckResult(errors.Count == 0, maelstromValid, definite, acceptable, [.. finals.Select(r => r.Value!.Value)], errors);
    }

    /// <summary>Every sum of <paramref name="definite"/> plus a subset of <paramref name="possible"/>, as sorted
    /// disjoint closed ranges (adjacent integers merge, as the open ranges of Maelstrom's range set do).</summary>
    public static IReadOnlyList<(long Lower, long Upper)> AcceptableSums(long definite, IEnumerable<long> possible)
    {
        var ranges = new List<(long Lower, long Upper)> { (definite, definite) };
        foreach (var delta in possible)
        {
            ranges = Normalize(ranges.Concat(ranges.Select(r => (r.Lower + delta, r.Upper + delta))));
        }
        return ranges;
    }

    static List<(long Lower, long Upper)> Normalize(IEnumerable<(long Lower, long Upper)> ranges)
    {
        var merged = new List<(long Lower, long Upper)>();
        foreach (var r in ranges.OrderBy(r => r.Lower))
        {
            if (merged.Count > 0 && r.Lower <= merged[^1].Upper + 1)
            {
                merged[^1] = (merged[^1].Lower, Math.Max(merged[^1].Upper, r.Upper));
            }
            else
            {
                merged.Add(r);
            }
        }
        return merged;
    }

    public static string Format(IReadOnlyList<(long Lower, long Upper)> ranges) =>
        "[" + string.Join(", ", ranges.Take(10).Select(r => r.Lower == r.Upper ? $"{r.Lower}" : $"{r.Lower}..{r.Upper}")) +
        (ranges.Count > 10 ? ", ..." : "") + "]";
}
