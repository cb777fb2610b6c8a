using Tally.Crdt;

namespace Tally.Replication;

/// <summary>One video as a replica knows it: <paramref name="Total"/> is this replica's entry (views it counted),
/// <paramref name="Count"/> the sum of every replica's entry (a <see cref="UInt128"/>: a sum of entries).</summary>
public readonly record struct VideoTotals(VideoId Video, ulong Total, UInt128 Count);
