using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>The cluster identity a node starts with, and the join of one id held both ways.</summary>
public class ClusterIdentityRulesTests
{
    static readonly ClusterId X = ClusterId.Parse("0000000001aaaaaa");

    [Fact]
    public void AtStart_KeepsTheStoredIdentity_WhenNoneIsConfigured_WithOrWithoutPeers()
    {
        var stored = ClusterIdentity.Minted(X);
        Assert.Equal(stored, ClusterIdentity.AtStart(stored, null, hasPeers: true, () => throw new InvalidOperationException("must not mint")));
        Assert.Equal(stored, ClusterIdentity.AtStart(stored, null, hasPeers: false, () => throw new InvalidOperationException("must not mint")));
    }

    [Fact]
    public void AtStart_Throws_WithoutAMintFunction() =>
        Assert.Throws<ArgumentNullException>(() => ClusterIdentity.AtStart(default, null, hasPeers: false, null!));

    [Fact]
    public void Join_IsSettled_WhenEitherSideHoldsTheSameIdSettled()
    {
        Assert.Equal(ClusterIdentity.Settled(X), ClusterIdentity.Minted(X).Join(ClusterIdentity.Settled(X)));
        Assert.Equal(ClusterIdentity.Settled(X), ClusterIdentity.Settled(X).Join(ClusterIdentity.Minted(X)));
        Assert.Equal(ClusterIdentity.Minted(X), ClusterIdentity.Minted(X).Join(ClusterIdentity.Minted(X)));
    }
}
