namespace Tally.Simulation;

public sealed partial class Cluster
{
    public CountSeries Series { get; } = new();

    /// <summary>Records every node's count (summed over videos) now.</summary>
    public void Sample()
    {
        var counts = new UInt128[_nodes.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = _nodes[i].Status == NodeStatus.Up ? TotalCount(i) : CountSeries.NotUp;
        }
        Series.Add(Time.Elapsed.TotalMilliseconds, counts, AcknowledgedTotal);
    }

    /// <summary>Node <paramref name="index"/>'s count summed over all videos (0 when it is not up). A sum of counts,
    /// so a <see cref="UInt128"/>, like each count.</summary>
    public UInt128 TotalCount(int index)
    {
        if (_nodes[index].Replica is not { } replica)
        {
            return 0;
        }
        UInt128 sum = 0;
        foreach (var video in _videos)
        {
            sum += replica.Count(video);
        }
        return sum;
    }
}
