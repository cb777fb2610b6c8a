using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Tally.Crdt;
using AkkaCounter = Akka.DistributedData.GCounter;

namespace Tally.Benchmarks;

/// <summary>The data every benchmark measures, built the same way for Tally and Akka from one seed, so both sides
/// hold the same videos, replicas and values.</summary>
static class BenchData
{
    public const int Seed = 20_26_05;

    public static string[] VideoIds(int count, int seed = Seed) => Shared.VideoIds.Make(count, seed);

    /// <summary>Equal strings in new instances, as a map decoded from the network would hold: lookups cannot
    /// succeed on a reference comparison.</summary>
    public static string[] Copies(string[] ids) => [.. ids.Select(id => new string(id.AsSpan()))];

    public static ReplicaId[] Replicas(int count) =>
        [.. Enumerable.Range(0, count).Select(i => ReplicaId.Parse($"node-{i + 1}"))];

    public static UniqueAddress[] Nodes(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new UniqueAddress(new Address("akka.tcp", "sys", "host", 2551 + i), i + 1))];

    /// <summary>The entry of replica <paramref name="replica"/> for video <paramref name="video"/>. With
    /// <paramref name="bump"/> ≥ 0, replica <c>(video + bump) % replicas</c> has seen one more view, so two maps
    /// built with different bumps have diverged concurrently in every video and each holds something the other lacks.</summary>
    public static ulong Entry(int video, int replica, int replicas, int bump) =>
        (ulong)((video * 31 + replica * 7) % 1000 + 1) + (bump >= 0 && (video + bump) % replicas == replica ? 1UL : 0UL);

    /// <summary>A Tally map holding the data; <paramref name="presize"/> false lets it grow as views arrive.</summary>
    public static CounterMap TallyMap(string[] ids, ReplicaId[] replicas, int bump, bool presize = true)
    {
        var map = new CounterMap(presize ? ids.Length : 0);
        for (var v = 0; v < ids.Length; v++)
        {
            var video = VideoId.Parse(ids[v]);
            for (var r = 0; r < replicas.Length; r++)
            {
                map.Increment(video, replicas[r], Entry(v, r, replicas.Length, bump));
            }
        }
        return map;
    }

    public static ImmutableDictionary<string, AkkaCounter> AkkaMap(string[] ids, UniqueAddress[] nodes, int bump)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, AkkaCounter>();
        for (var v = 0; v < ids.Length; v++)
        {
            builder.Add(ids[v], AkkaCounterOf(nodes, r => Entry(v, r, nodes.Length, bump)));
        }
        return builder.ToImmutable();
    }

    public static Crdt.GCounter TallyCounter(ReplicaId[] replicas, Func<int, ulong> entry) =>
        Crdt.GCounter.FromEntries(replicas.Select((r, i) => new KeyValuePair<ReplicaId, ulong>(r, entry(i))));

    /// <summary>An Akka counter as a replica holds it after receiving it: built with <c>Increment</c>, then merged
    /// into an empty counter, which drops the delta and the fast-merge ancestor that <c>Increment</c> attaches
    /// (the constructor that takes a state is internal).</summary>
    public static AkkaCounter AkkaCounterOf(UniqueAddress[] nodes, Func<int, ulong> entry)
    {
        var counter = new AkkaCounter();
        for (var r = 0; r < nodes.Length; r++)
        {
            counter = counter.Increment(nodes[r], entry(r));
        }
        return new AkkaCounter().Merge(counter);
    }
}
