namespace Tally.Simulation;

/// <summary>Per-node counts (summed over videos) sampled once a round, for the CSV and the plot.</summary>
public sealed class CountSeries
{
    /// <summary>Marks a node that was not up at a sample.</summary>
    public static readonly UInt128 NotUp = UInt128.MaxValue;

    readonly List<double> _timesMs = [];
    readonly List<UInt128[]> _counts = [];
    readonly List<ulong> _acknowledged = [];

    public IReadOnlyList<double> TimesMs => _timesMs;

    /// <summary>Per sample, per node index: its count, or <see cref="NotUp"/>.</summary>
    public IReadOnlyList<UInt128[]> Counts => _counts;

    public IReadOnlyList<ulong> Acknowledged => _acknowledged;

    internal void Add(double timeMs, UInt128[] counts, ulong acknowledged)
    {
        _timesMs.Add(timeMs);
        _counts.Add(counts);
        _acknowledged.Add(acknowledged);
    }
}
