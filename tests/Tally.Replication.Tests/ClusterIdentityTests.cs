using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>The cluster id rules: a join-semilattice over made (provisional) ids, settled ids never merge.</summary>
public class ClusterIdentityTests
{
    static readonly ClusterIdentity[] Samples =
    [
        default,
        ClusterIdentity.Minted(ClusterId.Parse("0000000001aaaaaa")),
        ClusterIdentity.Minted(ClusterId.Parse("0000000002bbbbbb")),
        ClusterIdentity.Minted(ClusterId.Parse("0000000003cccccc")),
        ClusterIdentity.Settled(ClusterId.Parse("prod")),
    ];

    [Fact]
    public void Join_IsCommutativeAssociativeAndIdempotent_WithAtMostOneSettledId()
    {
        foreach (var a in Samples)
        {
            Assert.Equal(a, a.Join(a));
            foreach (var b in Samples)
            {
                Assert.True(a.Join(b) == b.Join(a), $"{a} join {b} must equal {b} join {a}");
                foreach (var c in Samples)
                {
                    Assert.True(a.Join(b)!.Value.Join(c) == a.Join(b.Join(c)!.Value), $"join must be associative for {a}, {b}, {c}");
                }
            }
        }
    }

    [Fact]
    public void Join_RefusesOnlyTwoDifferentSettledIds()
    {
        var prod = ClusterIdentity.Settled(ClusterId.Parse("prod"));
        var test = ClusterIdentity.Settled(ClusterId.Parse("test"));
        Assert.Null(prod.Join(test));
        Assert.Equal(prod, prod.Join(ClusterIdentity.Minted(ClusterId.Parse("0000000001aaaaaa"))));
        Assert.Equal(prod, ClusterIdentity.Minted(ClusterId.Parse("0000000001aaaaaa")).Join(prod));
        Assert.Equal(prod, default(ClusterIdentity).Join(prod));
    }

    [Fact]
    public void AtStart_MakesAnIdOnlyWithoutPeers_AndAdoptsOtherwise()
    {
        var made = ClusterId.Parse("0000000001aaaaaa");
        Assert.Equal(ClusterIdentity.Minted(made), ClusterIdentity.AtStart(default, null, hasPeers: false, () => made));
        Assert.Equal(default, ClusterIdentity.AtStart(default, null, hasPeers: true, () => made));
        var prod = ClusterId.Parse("prod");
        Assert.Equal(ClusterIdentity.Settled(prod), ClusterIdentity.AtStart(ClusterIdentity.Minted(made), prod, hasPeers: false, () => made));
        Assert.Throws<InvalidOperationException>(() => ClusterIdentity.AtStart(ClusterIdentity.Settled(prod), ClusterId.Parse("test"), hasPeers: true, () => made));
    }

    [Fact]
    public void Receive_RefusesAndMergesNothing_FromASettledOtherCluster()
    {
        var cluster = new Mesh { Cluster = ClusterIdentity.Settled(ClusterId.Parse("prod")) };
        var a = cluster.Add("a", withDisk: true);
        cluster.Cluster = ClusterIdentity.Settled(ClusterId.Parse("test"));
        var b = cluster.Add("b", withDisk: true, seeds: "a");
        cluster.View("b", "v1", 7);
        Mesh.TickOnly(b);
        var push = b.Sent.Single().Message;
        var refused = a.Replica.Receive(GossipCodec.Decode(GossipCodec.Encode(push)));
        var ready = a.Pump();
        Assert.NotNull(refused);
        Assert.Equal("cluster", refused.Reason);
        Assert.Empty(ready.Messages);
        Assert.Empty(ready.Appends);
        Assert.Empty(a.Sent);
        Assert.Equal((UInt128)0, a.Replica.Read(VideoId.Parse("v1")).Value);
        Assert.DoesNotContain(a.Replica.Members(), m => m.Id.Value == "b");
        Assert.Equal(1, a.Replica.GossipStats.RefusedForeignCluster);
    }

    [Fact]
    public void Receive_AdoptsTheClusterId_WhenItHasNoneYet()
    {
        var cluster = new Mesh { Cluster = ClusterIdentity.Settled(ClusterId.Parse("prod")) };
        cluster.Add("a", withDisk: true);
        cluster.Cluster = default;
        var joiner = cluster.Add("b", withDisk: false, seeds: "a");
        Assert.Null(joiner.Replica.Cluster.Id);
        cluster.Round();
        Assert.Equal(ClusterIdentity.Settled(ClusterId.Parse("prod")), joiner.Replica.Cluster);
    }
}
