using CsCheck;
using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>Strong eventual consistency: N replicas increment their own entries and gossip full states and deltas
/// (since random marks), encoded in the binary format, delivered late, out of order and more than once. After
/// everyone has sent everyone a delta since what it knows the other has, all replicas hold the same state and every
/// video counts the sum of all increments.</summary>
public class ConvergenceTests
{
    public abstract record Step;

    /// <summary>Replica <see cref="Replica"/> (mod N) records <see cref="Amount"/> views of a video.</summary>
    public sealed record Inc(int Replica, VideoId Video, ulong Amount) : Step;

    /// <summary>Puts a message in flight: the full state, or the delta since a mark at fraction <see cref="MarkAt"/>
    /// of the sender's version.</summary>
    public sealed record Send(int From, int To, bool Full, double MarkAt) : Step;

    /// <summary>Delivers the in-flight message <see cref="Pick"/> (mod count); <see cref="Keep"/> leaves it in flight
    /// to be delivered again.</summary>
    public sealed record Deliver(int Pick, bool Keep) : Step;

    /// <summary>The replica continues from a clone of itself, as an owner that swaps in a copy would.</summary>
    public sealed record Restart(int Replica) : Step;

    sealed record Message(int From, int To, byte[] Payload, long CoversFrom, long UpTo);

    static readonly Gen<Step> StepGen = Gen.Frequency(
        (5, Gen.Select(Gen.Int[0, 5], Generators.Video, Generators.Amount, (r, v, a) => (Step)new Inc(r, v, a))),
        (3, Gen.Select(Gen.Int[0, 5], Gen.Int[0, 5], Gen.Bool, Gen.Double[0, 1], (f, t, full, at) => (Step)new Send(f, t, full, at))),
        (3, Gen.Select(Gen.Int[0, 1000], Gen.Bool, (p, keep) => (Step)new Deliver(p, keep))),
        (1, Gen.Int[0, 5].Select(r => (Step)new Restart(r))));

    static readonly Gen<(ReplicaId[], Step[], int)> Scenario = Gen.Int[2, 6].SelectMany(n =>
        Gen.Select(Generators.Replica.ArrayUnique[n], StepGen.Array[0, 60], Gen.Int));

    [Fact]
    public void Merge_ConvergesToSumOfIncrements_AfterEveryoneExchangesWithEveryone() =>
        Scenario.Sample((ids, steps, seed) =>
        {
            var n = ids.Length;
            var replicas = Enumerable.Range(0, n).Select(_ => new CounterMap()).ToArray();
            var known = new long[n, n]; // known[i, j]: j has merged i's state as of i's version known[i, j]
            var totals = new Dictionary<VideoId, ulong>();
            var inFlight = new List<Message>();
            foreach (var step in steps)
            {
                switch (step)
                {
                    case Inc(var r, var video, var amount):
                        replicas[r % n].Increment(video, ids[r % n], amount);
                        totals[video] = totals.GetValueOrDefault(video) + amount;
                        break;
                    case Send(var f, var t, var full, var at) when f % n != t % n:
                        var from = replicas[f % n];
                        var mark = full ? 0 : (long)(at * from.Version);
                        inFlight.Add(new Message(f % n, t % n, CrdtBinary.Encode(DeltaSince(from, mark)), mark, from.Version));
                        break;
                    case Deliver(var pick, var keep) when inFlight.Count > 0:
                        var message = inFlight[pick % inFlight.Count];
                        if (!keep)
                        {
                            inFlight.Remove(message);
                        }
                        Receive(replicas, known, message);
                        break;
                    case Restart(var r):
                        replicas[r % n] = replicas[r % n].Clone();
                        break;
                }
            }
            // Everyone sends everyone, in a random order, the delta since what the receiver is known to have.
            var pairs = (from i in Enumerable.Range(0, n) from j in Enumerable.Range(0, n) where i != j select (i, j)).ToArray();
            new Random(seed).Shuffle(pairs);
            foreach (var (i, j) in pairs)
            {
                var mark = known[i, j];
                Receive(replicas, known, new Message(i, j, CrdtBinary.Encode(DeltaSince(replicas[i], mark)), mark, replicas[i].Version));
            }
            foreach (var replica in replicas)
            {
                Assert.True(replica.SameStateAs(replicas[0]), "every replica must hold the same state after the exchange");
                Assert.True(replica.Count == totals.Count, "every replica must know every video that was viewed");
                Assert.True(totals.All(t => replica.ValueOf(t.Key) == t.Value), "every video must count the sum of all its increments");
            }
        }, iter: 300, print: t => $"replicas [{string.Join(", ", t.Item1)}], seed {t.Item3}, steps: {string.Join("; ", t.Item2.AsEnumerable())}");

    static CounterMap DeltaSince(CounterMap map, long mark)
    {
        Assert.True(map.TryGetDeltaSince(mark, int.MaxValue, out var delta), "an unlimited delta must always be returned");
        return delta;
    }

    static void Receive(CounterMap[] replicas, long[,] known, Message message)
    {
        var to = replicas[message.To];
        var before = to.Clone();
        to.Merge(CrdtBinary.DecodeMap(message.Payload));
        Assert.True(before.Videos.All(v => to.ValueOf(v) >= before.ValueOf(v)), "a delivery must never lower a count");
        if (message.CoversFrom <= known[message.From, message.To])
        {
            known[message.From, message.To] = Math.Max(known[message.From, message.To], message.UpTo);
        }
    }
}
