using Tally.Crdt;

namespace Tally.Benchmarks.Node;

/// <summary>Seeded data as a node holds it: 11-character YouTube-style video ids, replica ids made with a data
/// directory (<c>n1~4k7pq2zx9m</c>).</summary>
static class Data
{
    /// <summary><paramref name="count"/> distinct ids, in random order (as views arrive), from one seed.</summary>
    public static string[] VideoIds(int count, int seed = 1) => Shared.VideoIds.Make(count, seed);

    public static ReplicaId[] Replicas(int count) =>
        [.. Enumerable.Range(1, count).Select(i => ReplicaId.New($"n{i}", new Random(i)))];

    /// <summary>A map with every video counted by every replica (entry 1 + a seeded amount).</summary>
    public static CounterMap Map(string[] ids, ReplicaId[] replicas)
    {
        var map = new CounterMap(ids.Length);
        for (var v = 0; v < ids.Length; v++)
        {
            var video = VideoId.Parse(ids[v]);
            foreach (var replica in replicas)
            {
                map.Increment(video, replica, 1 + (ulong)(v % 1000));
            }
        }
        return map;
    }
}
