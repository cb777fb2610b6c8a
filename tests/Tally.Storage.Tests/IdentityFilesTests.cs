using Tally.Crdt;
using Tally.Replication;

namespace Tally.Storage.Tests;

public class IdentityFilesTests
{
    [Fact]
    public void LoadOrCreateReplica_MakesANewIdOncePerDirectory_AndKeepsIt()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var id = IdentityFiles.LoadOrCreateReplica(first.Path, "n1", hasLegacyState: false);
        Assert.Equal("n1", id.Name);
        Assert.NotEqual("n1", id.Value);
        Assert.Equal(id, IdentityFiles.LoadOrCreateReplica(first.Path, "n1", hasLegacyState: true));
        var other = IdentityFiles.LoadOrCreateReplica(second.Path, "n1", hasLegacyState: false);
        Assert.True(other != id, "an empty directory (a lost disk) must be a new replica, never the old one");
    }

    [Fact]
    public void LoadOrCreateReplica_KeepsThePlainName_ForStateWrittenBeforeReplicaIds()
    {
        using var dir = new TempDirectory();
        Assert.Equal(ReplicaId.Parse("n1"), IdentityFiles.LoadOrCreateReplica(dir.Path, "n1", hasLegacyState: true));
    }

    [Fact]
    public void LoadOrCreateReplica_Throws_WhenTheDirectoryBelongsToAnotherName()
    {
        using var dir = new TempDirectory();
        IdentityFiles.LoadOrCreateReplica(dir.Path, "n1", hasLegacyState: false);
        var error = Assert.Throws<InvalidDataException>(() => IdentityFiles.LoadOrCreateReplica(dir.Path, "n2", hasLegacyState: false));
        Assert.Contains("--id n1", error.Message);
    }

    [Fact]
    public void SaveCluster_RoundTripsSettledAndProvisionalIds()
    {
        using var dir = new TempDirectory();
        Assert.Equal(default, IdentityFiles.LoadCluster(dir.Path));
        var minted = ClusterIdentity.Minted(ClusterId.Parse("0abc"));
        IdentityFiles.SaveCluster(dir.Path, minted);
        Assert.Equal(minted, IdentityFiles.LoadCluster(dir.Path));
        IdentityFiles.SaveCluster(dir.Path, ClusterIdentity.Settled(ClusterId.Parse("prod-eu")));
        Assert.Equal(ClusterIdentity.Settled(ClusterId.Parse("prod-eu")), IdentityFiles.LoadCluster(dir.Path));
    }

    [Fact]
    public void LoadOrCreateReplica_CreatesTheDirectory_WhenItIsMissing()
    {
        using var dir = new TempDirectory();
        var nested = Path.Combine(dir.Path, "data");
        var id = IdentityFiles.LoadOrCreateReplica(nested, "n1", hasLegacyState: false);
        Assert.Equal(id, IdentityFiles.LoadOrCreateReplica(nested, "n1", hasLegacyState: false));
    }

    [Fact]
    public void LoadOrCreateReplica_Throws_WhenTheReplicaFileIsDamaged()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "replica"), "not an id!\n");
        var error = Assert.Throws<InvalidDataException>(() => IdentityFiles.LoadOrCreateReplica(dir.Path, "n1", hasLegacyState: false));
        Assert.Contains("does not hold a replica id", error.Message); // not the advice to start with another --id
    }

    [Fact]
    public void SaveCluster_Throws_WithoutAClusterId_AndCreatesAMissingDirectory()
    {
        using var dir = new TempDirectory();
        var nested = Path.Combine(dir.Path, "data");
        Assert.Throws<ArgumentException>(() => IdentityFiles.SaveCluster(nested, default));
        Assert.False(Directory.Exists(nested), "nothing is written for a refused call");
        var settled = ClusterIdentity.Settled(ClusterId.Parse("prod-eu"));
        IdentityFiles.SaveCluster(nested, settled);
        Assert.Equal(settled, IdentityFiles.LoadCluster(nested));
    }
}
