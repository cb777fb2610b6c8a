namespace Tally.Simulation;

/// <summary>Per-node counts (summed over videos) sampled once a round, for the CSV and the plot.</summary>
public sealed class CountSeries
{
    /// <summary>Marks a node that was not up at a sample.</summary>
    public const ulong NotUp = ulong.MaxValue;

    readonly List<double> _timesMs = [];
    readonly List<ulong[]> _counts = [];
    readonly List<ulong> _acknowledged = [];

    public IReadOnlyList<double> TimesMs => _timesMs;

    /// <summary>Per sample, per node index: its count, or <see cref="NotUp"/>.</summary>
    public IReadOnlyList<ulong[]> Counts => _counts;

    public IReadOnlyList<ulong> Acknowledged => _acknowledged;

    internal void Add(double timeMs, ulong[] counts, ulong acknowledged)
    {
        _timesMs.Add(timeMs);
        _counts.Add(counts);
        _acknowledged.Add(acknowledged);
    }
}
