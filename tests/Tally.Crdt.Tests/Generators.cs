using CsCheck;
using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>One change a replica makes: an <see cref="CounterMap.Increment"/> by <see cref="Amount"/>, or a
/// <see cref="CounterMap.RaiseTo"/> to the current entry plus <see cref="Amount"/>.</summary>
public sealed record Op(VideoId Video, ReplicaId Replica, ulong Amount, bool Raise)
{
    public ulong ApplyTo(CounterMap map) => Raise
        ? map.RaiseTo(Video, Replica, map.EntryOf(Video, Replica) + Amount)
        : map.Increment(Video, Replica, Amount);
}

/// <summary>CsCheck generators. Ids come mostly from small pools, so random states share replicas and videos and
/// merges have real conflicts to resolve; the rest are random valid ids up to the length limit. Amounts stay below
/// 2^40 so that sums of a few dozen never overflow (overflow has its own example tests).</summary>
static class Generators
{
    const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    static readonly string[] ReplicaPool = ["n1", "n2", "n3", "node-a", "Node_B", "r.9", "0"];
    static readonly string[] VideoPool = ["dQw4w9WgXcQ", "v1", "v2", "v10", "ch:42~x", "9", "a.b-c_d"];

    public static readonly Gen<ReplicaId> Replica = Gen.Frequency(
            (4, Gen.OneOfConst(ReplicaPool)),
            (1, RandomId(ReplicaId.NameMaxLength, Alnum + "._-")),
            (1, Gen.Select(RandomId(ReplicaId.NameMaxLength, Alnum + "._-"), Gen.Int, (name, seed) => ReplicaId.New(name, new Random(seed)).Value)))
        .Select(ReplicaId.Parse);

    public static readonly Gen<VideoId> Video = Gen.Frequency(
            (4, Gen.OneOfConst(VideoPool)),
            (1, RandomId(VideoId.MaxLength, Alnum + "._-:~")))
        .Select(VideoId.Parse);

    public static readonly Gen<ulong> Amount = Gen.Frequency(
        (6, Gen.ULong[1, 10]),
        (3, Gen.ULong[1, 1_000_000]),
        (1, Gen.ULong[1, 1UL << 40]));

    public static readonly Gen<Op> Op = Gen.Select(Video, Replica, Amount, Gen.Int[0, 3],
        (video, replica, amount, kind) => new Op(video, replica, amount, Raise: kind == 0));

    public static readonly Gen<Op[]> Ops = Op.Array[0, 24];

    /// <summary>Counters built by increments and raises of random replicas.</summary>
    public static readonly Gen<GCounter> Counter = Gen.Select(Replica, Amount, Gen.Bool).Array[0, 8]
        .Select(changes => changes.Aggregate(GCounter.Empty, (counter, change) => change.Item3
            ? counter.RaiseTo(change.Item1, counter.EntryOf(change.Item1) + change.Item2)
            : counter.Increment(change.Item1, change.Item2)));

    /// <summary>Maps built directly from ops, and (less often) built by merging or cloning, so slot and column orders
    /// differ between maps holding the same replicas.</summary>
    public static readonly Gen<CounterMap> Map = Gen.Frequency(
        (4, Ops.Select(Build)),
        (1, Gen.Select(Ops, Ops, (a, b) => Merged(Build(a), Build(b)))),
        (1, Ops.Select(ops => Build(ops).Clone())));

    /// <summary>A random valid id: a letter or digit, then up to <paramref name="maxLength"/>-1 more characters,
    /// sometimes exactly at the limit.</summary>
    static Gen<string> RandomId(int maxLength, string alphabet) => Gen.Select(
        Gen.Char[Alnum],
        Gen.Frequency((5, Gen.Int[0, 8]), (1, Gen.Const(maxLength - 1))).SelectMany(n => Gen.String[Gen.Char[alphabet], n, n]),
        (first, rest) => first + rest);

    public static CounterMap Build(IEnumerable<Op> ops)
    {
        var map = new CounterMap();
        foreach (var op in ops)
        {
            op.ApplyTo(map);
        }
        return map;
    }

    public static CounterMap Merged(CounterMap a, CounterMap b)
    {
        var result = a.Clone();
        result.Merge(b);
        return result;
    }

    /// <summary>How a failing sample is printed: maps as their JSON encoding, which lists every entry.</summary>
    public static string Show(CounterMap map) => CrdtJson.Encode(map);

    public static string Show((CounterMap, CounterMap) maps) => $"{Show(maps.Item1)} | {Show(maps.Item2)}";

    public static string Show((CounterMap, CounterMap, CounterMap) maps) =>
        $"{Show(maps.Item1)} | {Show(maps.Item2)} | {Show(maps.Item3)}";
}
