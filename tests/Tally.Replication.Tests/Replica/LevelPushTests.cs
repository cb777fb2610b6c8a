using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>The pushes a write waiting for its level makes outside the rounds: one per new version per peer, at most
/// three unanswered at once per peer, and more once the peer answered them.</summary>
public class LevelPushTests
{
    static readonly VideoId V = VideoId.Parse("v");

    /// <summary>n1 and n2 know each other by id (one exchange), with nothing merged.</summary>
    static Pair Met()
        => Pair.Met(null, ClusterIdentity.Settled(ClusterId.Parse("prod")));

    /// <summary>A durable w=2 view at n1, and the pushes to n2 it caused (taken out of n1's sent list).</summary>
    static List<Outgoing> CountAtW2(Harness n1)
    {
        n1.Submit(ViewRequest.Add(V, 1) with { Write = ConsistencyLevel.Of(2) });
        n1.CompleteAll();
        var pushes = n1.Sent.Where(m => m.Address == "n2").ToList();
        n1.Sent.Clear();
        return pushes;
    }

    [Fact]
    public void TakeReady_PushesEachNewVersionOnce_AndAtMostThreeUnansweredToAPeer()
    {
        var p = Met();
        var (n1, n2) = (p.N1, p.N2);
        var pushes = new List<Outgoing>();
        for (var i = 1; i <= 3; i++)
        {
            var made = CountAtW2(n1);
            Assert.True(made.Count == 1, $"write {i} waits for n2: one push at once, made {made.Count}");
            pushes.AddRange(made);
        }
        n1.Pump();
        Assert.True(n1.Sent.Count == 0, "a version already pushed is not pushed again before the next round");
        Assert.True(CountAtW2(n1).Count == 0, "three pushes to n2 are unanswered: a fourth waits");
        Assert.Equal(4, n1.Replica.LevelWaits);

        foreach (var push in pushes)
        {
            n2.Receive(push.Message);
        }
        n2.CompleteAll();
        p.Deliver(n2);

        // n2 answered every push (it acknowledged the third's version): the fourth write is pushed now.
        Assert.Equal(1, n1.Replica.LevelWaits);
        Assert.Single(n1.Sent, m => m.Address == "n2");
    }
}
