using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Whom a round pushes to and which member records ride along: <see cref="ReplicationOptions.Fanout"/> live
/// peers drawn with the node's seeded <see cref="Random"/>, one down peer as a probe, every seed not yet known by id,
/// and a sample of at most <see cref="ReplicationOptions.MemberSampleMax"/> other members. Convergence tests cannot
/// tell a fanout of 2 from one of 5, or a fixed target from a random one; these tests count.</summary>
public class GossipTargetTests
{
    static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    static ReplicaNode NewNode(ReplicationOptions options, FakeTimeProvider time, int seed = 1, params string[] seeds) =>
        new(ReplicaId.Parse("n0"), "http://n0", 1, options, time, new Random(seed), null, seeds);

    static string Address(string id) => $"http://{id}";

    static GossipMessage From(string id, GossipKind kind = GossipKind.Reply, bool left = false, long heartbeat = 1) =>
        new() { Kind = kind, Sender = new MemberRecord(ReplicaId.Parse(id), Address(id), 1, heartbeat, left) };

    static string[] Hear(ReplicaNode node, int count)
    {
        var ids = Enumerable.Range(1, count).Select(i => $"n{i}").ToArray();
        foreach (var id in ids)
        {
            node.Receive(From(id));
        }
        return ids;
    }

    static List<string> Targets(ReplicaNode node) => [.. node.Tick().Messages.Select(m => m.Address)];

    [Fact]
    public void Tick_PushesToFanoutDistinctLivePeers_EveryRound()
    {
        var node = NewNode(new ReplicationOptions { Fanout = 2 }, new FakeTimeProvider(Start));
        var ids = Hear(node, 6);
        var chosen = ids.ToDictionary(Address, _ => 0);
        for (var round = 0; round < 300; round++)
        {
            var targets = Targets(node);
            Assert.True(targets.Count == 2 && targets.Distinct().Count() == 2, $"round {round} must push to 2 distinct peers, pushed to [{string.Join(", ", targets)}]");
            foreach (var t in targets)
            {
                chosen[t]++;
            }
        }
        // 600 pushes over 6 peers: 100 each if uniform; a fixed or biased choice falls far outside.
        Assert.All(chosen, c => Assert.True(c.Value is > 60 and < 140, $"{c.Key} was chosen {c.Value} times of 600, expected about 100"));
    }

    [Fact]
    public void Tick_PushesToEveryLivePeerOnce_WhenTheFanoutExceedsThem()
    {
        var node = NewNode(new ReplicationOptions { Fanout = 10 }, new FakeTimeProvider(Start));
        var ids = Hear(node, 3);
        for (var round = 0; round < 20; round++)
        {
            Assert.Equal(ids.Select(Address).Order(), Targets(node).Order());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void Tick_ChoosesItsTargets_ByAPartialShuffleDrawnFromTheSeededRandom(int seed)
    {
        // The node draws nothing else in these rounds (no member sample, no down peer), so its targets are the
        // first Fanout peers of a partial Fisher-Yates shuffle of its live peers in id order: the simulator's runs
        // replay from a seed only because every choice comes from this one generator.
        var node = NewNode(new ReplicationOptions { Fanout = 3, MemberSampleMax = 0 }, new FakeTimeProvider(Start), seed);
        var ids = Hear(node, 7);
        var model = new Random(seed);
        for (var round = 0; round < 50; round++)
        {
            var live = ids.ToList();
            for (var i = 0; i < 3; i++)
            {
                var j = model.Next(i, live.Count);
                (live[i], live[j]) = (live[j], live[i]);
            }
            Assert.Equal(live.Take(3).Select(Address), Targets(node));
        }
    }

    [Fact]
    public void Tick_ProbesExactlyOneDownPeer_BesidesTheFanoutOfLiveOnes()
    {
        var options = new ReplicationOptions { Fanout = 2 };
        var time = new FakeTimeProvider(Start);
        var node = NewNode(options, time);
        Hear(node, 5);
        time.Advance(options.DownAfter);
        foreach (var id in new[] { "n1", "n2", "n3" })
        {
            node.Receive(From(id, heartbeat: 2));
        }
        var probes = new Dictionary<string, int> { [Address("n4")] = 0, [Address("n5")] = 0 };
        for (var round = 0; round < 200; round++)
        {
            var targets = Targets(node);
            var live = targets.Where(t => !probes.ContainsKey(t)).ToList();
            var down = targets.Where(probes.ContainsKey).ToList();
            Assert.True(live.Count == 2 && live.Distinct().Count() == 2, $"round {round}: 2 live peers must be pushed to, were [{string.Join(", ", live)}]");
            Assert.True(down.Count == 1, $"round {round}: exactly one down peer must be probed, were [{string.Join(", ", down)}]");
            probes[down[0]]++;
        }
        Assert.All(probes, p => Assert.True(p.Value is > 60 and < 140, $"{p.Key} was probed {p.Value} times of 200, expected about 100"));
    }

    [Fact]
    public void Tick_CountsSuspectPeersAsLive_AndProbesNone()
    {
        var options = new ReplicationOptions { Fanout = 10 };
        var time = new FakeTimeProvider(Start);
        var node = NewNode(options, time);
        var ids = Hear(node, 3);
        time.Advance(options.SuspectAfter);
        node.Receive(From("n1", heartbeat: 2));
        Assert.Equal(MemberStatus.Suspect, node.Members().Single(m => m.Name == "n2").Status);
        Assert.Equal(ids.Select(Address).Order(), Targets(node).Order());
    }

    [Fact]
    public void Tick_NeverPushesToAPeerThatLeft()
    {
        var node = NewNode(new ReplicationOptions { Fanout = 10 }, new FakeTimeProvider(Start));
        Hear(node, 3);
        node.Receive(From("n3", left: true, heartbeat: 2));
        for (var round = 0; round < 20; round++)
        {
            Assert.Equal([Address("n1"), Address("n2")], Targets(node).Order());
        }
    }

    [Fact]
    public void Tick_PushesToEveryLivePeer_WhileLeaving()
    {
        var node = NewNode(new ReplicationOptions { Fanout = 1 }, new FakeTimeProvider(Start));
        var ids = Hear(node, 5);
        Assert.Single(Targets(node));
        node.BeginLeave();
        for (var round = 0; round < 5; round++)
        {
            Assert.Equal(ids.Select(Address).Order(), Targets(node).Order());
        }
    }

    [Fact]
    public void Tick_PushesTheWholeTable_ToASeedNotYetKnownById_UntilItIsHeardFrom()
    {
        var node = NewNode(new ReplicationOptions { Fanout = 1, MemberSampleMax = 1 }, new FakeTimeProvider(Start), seeds: ["http://seed", "http://n0"]);
        Hear(node, 4);
        var messages = node.Tick().Messages;
        var toSeed = Assert.Single(messages, m => m.Address == "http://seed").Message;
        Assert.True(toSeed.MembersComplete, "a seed we cannot name gets the whole table");
        Assert.Equal(["n0", "n1", "n2", "n3", "n4"], toSeed.Members.Select(m => m.Id.Value));
        Assert.DoesNotContain(messages, m => m.Address == "http://n0");

        node.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = new MemberRecord(ReplicaId.Parse("s1"), "HTTP://SEED", 1, 1, false) });
        for (var round = 0; round < 10; round++)
        {
            Assert.Single(node.Tick().Messages);
        }
    }

    [Fact]
    public void Tick_PushesASampleOfAtMostMemberSampleMaxOthers_NeverTheTargetNorTwiceTheSame()
    {
        var node = NewNode(new ReplicationOptions { Fanout = 2, MemberSampleMax = 3 }, new FakeTimeProvider(Start));
        var ids = Hear(node, 10);
        var sampled = new HashSet<string>();
        for (var round = 0; round < 100; round++)
        {
            foreach (var (address, message) in node.Tick().Messages)
            {
                Assert.False(message.MembersComplete, "a push carries a sample");
                Assert.Equal(node.Id, message.Members[0].Id);
                var others = message.Members.Skip(1).Select(m => m.Id.Value).ToList();
                Assert.True(others.Count <= 3, $"at most 3 other records may ride along, {others.Count} did");
                Assert.True(others.Distinct().Count() == others.Count, $"a record may ride along once: [{string.Join(", ", others)}]");
                Assert.DoesNotContain(others, o => Address(o) == address);
                sampled.UnionWith(others);
            }
        }
        Assert.Equal(ids.Order(), sampled.Order());
    }

    [Fact]
    public void Tick_PushesOnlyTheSendersRecord_WhenMemberSampleMaxIsZero()
    {
        var node = NewNode(new ReplicationOptions { Fanout = 2, MemberSampleMax = 0 }, new FakeTimeProvider(Start));
        Hear(node, 5);
        Assert.All(node.Tick().Messages, m => Assert.Equal([node.Id], m.Message.Members.Select(r => r.Id)));
    }

    [Fact]
    public void Receive_AnswersAPushWithTheWholeTable_OnlyWhenThePushersMembershipHashDiffers()
    {
        var node = NewNode(new ReplicationOptions { MemberSampleMax = 2 }, new FakeTimeProvider(Start));
        Hear(node, 8);

        var differing = Assert.Single(node.Receive(From("n1", GossipKind.Push, heartbeat: 2) with { MembersHash = node.MembersHash + 1 }).Messages).Message;
        Assert.True(differing.MembersComplete, "a pusher with another membership hash gets the whole table");
        Assert.Equal(9, differing.Members.Count);

        var same = Assert.Single(node.Receive(From("n1", GossipKind.Push, heartbeat: 3) with { MembersHash = node.MembersHash }).Messages).Message;
        Assert.False(same.MembersComplete, "a pusher with our membership hash gets a sample");
        Assert.InRange(same.Members.Count, 1, 3);
    }
}
