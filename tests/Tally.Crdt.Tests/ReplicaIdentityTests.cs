namespace Tally.Crdt.Tests;

/// <summary>Replica ids (a node name and the random part made with a data directory) and cluster ids.</summary>
public class ReplicaIdentityTests
{
    [Fact]
    public void New_MakesAnIdThatParsesAndNamesTheNode_ForAValidName()
    {
        var random = new Random(1);
        var seen = new HashSet<ReplicaId>();
        for (var i = 0; i < 1000; i++)
        {
            var id = ReplicaId.New("node-1.eu", random);
            Assert.True(ReplicaId.Parse(id.Value) == id, $"'{id}' must parse back to itself");
            Assert.Equal("node-1.eu", id.Name);
            Assert.Matches("^node-1\\.eu~[0-9a-z]{10}$", id.Value);
            Assert.True(seen.Add(id), $"'{id}' was made twice: a new data directory must never reuse an id");
        }
    }

    [Fact]
    public void Name_IsTheWholeId_ForALegacyPlainId() => Assert.Equal("n1", ReplicaId.Parse("n1").Name);

    [Theory]
    [InlineData("n1~")]
    [InlineData("n1~abc")]
    [InlineData("n1~ABCDEFGHIJ")]
    [InlineData("n1~abcdefghij~")]
    [InlineData("~abcdefghij")]
    [InlineData("n1~abcdefghijk")]
    public void Parse_Throws_ForAMalformedSuffix(string value) => Assert.Throws<ArgumentException>(() => ReplicaId.Parse(value));

    [Fact]
    public void New_Throws_ForAnInvalidName() => Assert.Throws<ArgumentException>(() => ReplicaId.New("n~1", new Random(1)));

    [Fact]
    public void ClusterIdNew_SortsByMintTime_ForIdsMadeAtDifferentTimes()
    {
        var random = new Random(2);
        var earlier = ClusterId.New(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), random);
        var later = ClusterId.New(new DateTimeOffset(2026, 1, 1, 0, 0, 0, 1, TimeSpan.Zero), random);
        Assert.True(ClusterId.Compare(earlier, later) < 0, $"'{earlier}' was made before '{later}' and must sort first");
        Assert.Equal(ClusterId.MintedLength, later.Value.Length);
        Assert.True(ClusterId.Parse(later.Value) == later, "a made cluster id must parse back to itself");
    }
}
