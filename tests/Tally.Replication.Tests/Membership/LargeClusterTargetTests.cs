using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Whom a round pushes to above 64 peers, where live targets are drawn at random instead of found by a scan
/// of every peer (issue 12): still <see cref="ReplicationOptions.Fanout"/> distinct live peers, a down one as a probe,
/// and the scan again when too few live ones are met.</summary>
public class LargeClusterTargetTests
{
    static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    const int Peers = 100;

    static string Address(string id) => $"http://{id}";

    static GossipMessage From(string id, long heartbeat = 1) =>
        new() { Kind = GossipKind.Reply, Sender = new MemberRecord(ReplicaId.Parse(id), Address(id), 1, heartbeat, false) };

    /// <summary>A node that heard from <see cref="Peers"/> peers, of which the first <paramref name="live"/> are heard
    /// from again after <see cref="ReplicationOptions.DownAfter"/> (the others are down).</summary>
    static (ReplicaNode Node, HashSet<string> Live) Cluster(int live, int fanout = 3)
    {
        var options = new ReplicationOptions { Fanout = fanout };
        var time = new FakeTimeProvider(Start);
        var node = new ReplicaNode(ReplicaId.Parse("n0"), "http://n0", 1, options, time, new Random(5), null, []);
        var ids = Enumerable.Range(1, Peers).Select(i => $"p{i:000}").ToArray();
        foreach (var id in ids)
        {
            node.Receive(From(id));
        }
        if (live < Peers)
        {
            time.Advance(options.DownAfter);
            foreach (var id in ids[..live])
            {
                node.Receive(From(id, heartbeat: 2));
            }
        }
        return (node, [.. ids[..live].Select(Address)]);
    }

    static List<string> Targets(ReplicaNode node) => [.. node.Tick().Messages.Select(m => m.Address)];

    [Fact]
    public void Tick_PushesToFanoutDistinctLivePeersDrawnAtRandom_AboveSixtyFourPeers()
    {
        var (node, _) = Cluster(live: Peers);
        var chosen = new Dictionary<string, int>();
        for (var round = 0; round < 300; round++)
        {
            var targets = Targets(node);
            Assert.True(targets.Count == 3 && targets.Distinct().Count() == 3,
                $"round {round}: 3 distinct live peers must be pushed to, were [{string.Join(", ", targets)}]");
            foreach (var t in targets)
            {
                chosen[t] = chosen.GetValueOrDefault(t) + 1;
            }
        }
        // 900 pushes over 100 peers, 9 each if uniform: a fixed or biased draw reaches far fewer peers.
        Assert.True(chosen.Count >= 95, $"900 random pushes must reach nearly every one of 100 peers, reached {chosen.Count}");
        Assert.True(chosen.Values.Max() < 25, $"a peer was chosen {chosen.Values.Max()} times of 900, expected about 9");
    }

    [Fact]
    public void Tick_ProbesAtMostOneDownPeer_AndNearlyEveryRound_WhenHalfALargeClusterIsDown()
    {
        var (node, live) = Cluster(live: Peers / 2);
        var probed = new HashSet<string>();
        var rounds = 200;
        var withProbe = 0;
        for (var round = 0; round < rounds; round++)
        {
            var targets = Targets(node);
            var alive = targets.Where(live.Contains).ToList();
            var down = targets.Where(t => !live.Contains(t)).ToList();
            Assert.True(alive.Count == 3 && alive.Distinct().Count() == 3, $"round {round}: 3 distinct live peers must be pushed to, were [{string.Join(", ", alive)}]");
            Assert.True(down.Count <= 1, $"round {round}: at most one down peer is probed, were [{string.Join(", ", down)}]");
            withProbe += down.Count;
            probed.UnionWith(down);
        }
        // A down peer met among the draws is the probe, else one more draw may find one: with half the peers down,
        // a round goes without a probe only when its first three draws and the extra one all find live peers (1 in 16).
        Assert.True(withProbe > rounds * 3 / 4, $"{withProbe} of {rounds} rounds probed a down peer, expected about 15 in 16");
        Assert.True(probed.Count >= 40, $"the probes must spread over the 50 down peers, reached {probed.Count}");
    }

    [Fact]
    public void Tick_ScansEveryPeer_WhenTooFewLiveOnesAreMetInALargeCluster()
    {
        var (node, live) = Cluster(live: 3);
        for (var round = 0; round < 50; round++)
        {
            var targets = Targets(node);
            Assert.True(live.IsSubsetOf(targets), $"round {round}: the 3 live peers of 100 must all be pushed to, were [{string.Join(", ", targets)}]");
            Assert.True(targets.Count == 4, $"round {round}: 3 live peers and one probe, were [{string.Join(", ", targets)}]");
        }
    }
}
