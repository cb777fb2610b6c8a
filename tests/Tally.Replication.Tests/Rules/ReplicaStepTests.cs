using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Single steps of the replica that the flow tests pass through without checking: the cached digest root,
/// the cluster id handed to the host, a replica started without stored keys, one exit per leave, a chain of raises,
/// and a snapshot the store asked for twice.</summary>
public class ReplicaStepTests
{
    static readonly VideoId V = VideoId.Parse("v");

    [Fact]
    public void Digest_IsRecomputed_OnlyAfterMaxAge_WhileTheStateChanges()
    {
        var h = new Harness();
        var maxAge = TimeSpan.FromSeconds(1);
        var empty = h.Replica.Digest(16, maxAge);
        Assert.Equal((new CounterMap().Digest(16).Root, 0L), empty);

        h.Add("v", 2);
        h.CompleteAll();
        Assert.Equal(empty, h.Replica.Digest(16, maxAge)); // cached: the state changed, but within maxAge
        h.Time.Advance(maxAge);
        var fresh = h.Replica.Digest(16, maxAge);
        Assert.Equal(h.Replica.Version, fresh.Version);
        Assert.Equal(CounterMap.Single(V, h.Id, 2).Digest(16).Root, fresh.Root);

        h.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(fresh, h.Replica.Digest(16, maxAge)); // unchanged state: no need to recompute
    }

    [Fact]
    public void TakeReady_HandsTheHostTheClusterIdItAdopted()
    {
        var h = new Harness(seeds: ["n2"]);
        var cluster = ClusterId.Parse("0000000001aaaaaa");
        h.Replica.Receive(new GossipMessage
        {
            Kind = GossipKind.Reply,
            Sender = new MemberRecord(ReplicaId.Parse("n2"), "n2", 1, 1, false),
            ClusterId = cluster,
            ClusterProvisional = true,
        });
        var ready = h.Replica.TakeReady();
        Assert.Equal(new ClusterIdentity(cluster, true), ready.Cluster);
        Assert.Null(h.Replica.TakeReady().Cluster);
    }

    [Fact]
    public void TakeReady_HandsTheHostTheNameConflicts_WhenTheyChange()
    {
        var h = new Harness(id: "n1~aaaaaaaaaa");
        h.Replica.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = new MemberRecord(ReplicaId.Parse("n1~bbbbbbbbbb"), "other", 1, 1, false) });
        h.Replica.TakeReady();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Replica.Receive(new GossipMessage { Kind = GossipKind.Reply, Sender = new MemberRecord(ReplicaId.Parse("n1~bbbbbbbbbb"), "other", 1, 2, false) });
        h.Replica.Tick();
        Assert.Equal(["n1"], h.Replica.TakeReady().NameConflicts);
        Assert.True(h.Replica.OwnNameConflict);
    }

    [Fact]
    public void Constructor_TakesNoStoredKeys()
    {
        var time = new FakeTimeProvider(Harness.Start);
        var node = new ReplicaNode(ReplicaId.Parse("n1"), "n1", 1, new ReplicationOptions(), time, new Random(1), null, []);
        var replica = new Replica(node, new ReplicaOptions(), time);
        Assert.Equal(0, replica.KeysRemembered);
        replica.Submit(ViewRequest.Add(V, 1, "k"));
        Assert.Single(replica.TakeReady().Appends);
    }

    [Fact]
    public void Leave_AsksToExitOnce_ThoughPeersKeepAcknowledging()
    {
        var pair = new Pair();
        var (n1, n2) = (pair.N1, pair.N2);
        n1.Add("v", 5);
        n1.CompleteAll();
        n1.Replica.Leave();
        for (var round = 0; round < 4; round++)
        {
            n1.Tick();
            pair.Deliver(n1);
            n2.CompleteAll();
            pair.Deliver(n2); // the harness fails if a second exit is asked
        }
        Assert.Equal(ExitReason.Left, n1.Exit?.Reason);
    }

    [Fact]
    public void Submit_AnswersWhatEachChainedRaiseAdded()
    {
        var h = new Harness();
        var first = h.Submit(ViewRequest.Raise(V, 10));
        var second = h.Submit(ViewRequest.Raise(V, 15));
        Assert.Equal(2, h.InFlight.Count);
        h.CompleteAll();
        Assert.Equal((10UL, 10UL), (h.AnswerOf(first).Totals[0], h.AnswerOf(first).Added));
        Assert.Equal((15UL, 5UL), (h.AnswerOf(second).Totals[0], h.AnswerOf(second).Added));
    }

    [Fact]
    public void Submit_AnswersTheSumOfABatch()
    {
        var h = new Harness();
        var batch = h.Submit(ViewRequest.Batch([new(V, 3), new(VideoId.Parse("w"), 4), new(V, 5)]));
        h.CompleteAll();
        var answer = h.AnswerOf(batch);
        Assert.Equal([3UL, 4UL, 8UL], answer.Totals);
        Assert.Equal(12UL, answer.Added);
    }

    [Fact]
    public void AppendDurable_RequestsASnapshot_WhenTheStoreSaidSoTwice()
    {
        var h = new Harness();
        h.Add("a");
        h.Add("b");
        var numbers = h.InFlight.Keys.ToArray();
        Assert.Equal(2, numbers.Length);
        foreach (var number in numbers)
        {
            Assert.True(h.InFlight.Remove(number, out var append));
            h.Disk.Write(append);
            h.Replica.AppendDurable(number, snapshotDue: true);
        }
        h.Pump();
        Assert.NotNull(h.Snapshot);
    }
}
