using Microsoft.Extensions.Time.Testing;

namespace Tally.Replication.Tests;

/// <summary>Two harnessed replicas, n1 and n2, each the other's seed, on one fake clock; messages move only when a
/// test delivers them.</summary>
sealed class Pair
{
    public Pair(ReplicaOptions? options = null, ClusterIdentity cluster = default)
    {
        var time = new FakeTimeProvider(Harness.Start);
        N1 = new Harness("n1", options, time, ["n2"], cluster: cluster);
        N2 = new Harness("n2", options, time, ["n1"], cluster: cluster);
    }

    /// <summary>A pair whose replicas know each other by id (one exchange), with nothing merged and nothing left
    /// to deliver.</summary>
    public static Pair Met(ReplicaOptions? options, ClusterIdentity cluster)
    {
        var p = new Pair(options, cluster);
        p.N1.Tick();
        p.Deliver(p.N1);
        p.Deliver(p.N2);
        p.N1.Sent.Clear();
        p.N2.Sent.Clear();
        return p;
    }

    public Harness N1 { get; }
    public Harness N2 { get; }

    /// <summary>Delivers every released message of <paramref name="from"/> to the other; returns how many.</summary>
    public int Deliver(Harness from)
    {
        var to = from == N1 ? N2 : N1;
        var messages = from.Sent.Where(m => m.Address == to.Id.Value).ToList();
        from.Sent.Clear();
        foreach (var message in messages)
        {
            to.Receive(message.Message);
        }
        return messages.Count;
    }
}
