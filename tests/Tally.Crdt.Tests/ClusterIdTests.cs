namespace Tally.Crdt.Tests;

/// <summary>Validation, minting, equality and order of <see cref="ClusterId"/>: it is stored in every data directory
/// and carried in every gossip message, so a bad id must be refused and two ids must compare by their text.</summary>
public class ClusterIdTests
{
    static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    [Theory]
    [InlineData("c")]
    [InlineData("9")]
    [InlineData("prod-eu_1.a")]
    [InlineData("A0")]
    public void Parse_RoundTrips_ForAValidId(string value)
    {
        var id = ClusterId.Parse(value);
        Assert.Equal(value, id.Value);
        Assert.Equal(value, id.ToString());
        Assert.True(ClusterId.TryParse(value, out var again) && again == id, "TryParse must agree with Parse");
    }

    [Theory]
    [InlineData("")]
    [InlineData("-c")]
    [InlineData(".c")]
    [InlineData("c 1")]
    [InlineData("c:1")]
    [InlineData("c~1")]
    [InlineData("c/1")]
    [InlineData("caf\u00e9")]
    public void Parse_ThrowsWithClearMessage_ForAnInvalidId(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => ClusterId.Parse(value));
        Assert.Equal("value", e.ParamName);
        Assert.Contains($"'{value}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("1-64 characters from [A-Za-z0-9._-], starting with a letter or digit", e.Message, StringComparison.Ordinal);
        Assert.False(ClusterId.TryParse(value, out var id), "TryParse must agree with Parse");
        Assert.True(id == default, "a refused TryParse must give the default id");
    }

    [Fact]
    public void Parse_AcceptsMaxLengthAndRejectsOneMore()
    {
        Assert.Equal(ClusterId.MaxLength, ClusterId.Parse(new string('c', ClusterId.MaxLength)).Value.Length);
        Assert.False(ClusterId.TryParse(new string('c', ClusterId.MaxLength + 1), out _), "65 characters must be refused");
        Assert.False(ClusterId.TryParse(null, out _), "null must be refused");
    }

    [Fact]
    public void New_WritesTheMintTimeInBase36_ThenRandomCharacters()
    {
        // 36^2 + 2*36 + 3 = 1371 ms after the epoch: "000000123" in fixed-width base 36.
        var id = ClusterId.New(Epoch.AddMilliseconds(1371), new Random(7));
        Assert.Equal("000000123", id.Value[..ClusterId.TimeLength]);
        Assert.Matches("^[0-9a-z]{16}$", id.Value);
        Assert.Equal(ClusterId.New(Epoch.AddMilliseconds(1371), new Random(7)), id);
        Assert.NotEqual(ClusterId.New(Epoch.AddMilliseconds(1371), new Random(8)).Value[ClusterId.TimeLength..], id.Value[ClusterId.TimeLength..]);
    }

    [Fact]
    public void New_WritesTheLargestDigitAsZ_AndAllZerosBeforeTheEpoch()
    {
        Assert.Equal("00000000z", ClusterId.New(Epoch.AddMilliseconds(35), new Random(1)).Value[..ClusterId.TimeLength]);
        Assert.Equal("000000000", ClusterId.New(Epoch.AddMilliseconds(-5), new Random(1)).Value[..ClusterId.TimeLength]);
    }

    [Fact]
    public void New_MakesDistinctParsableIds_FromTheCryptographicGenerator()
    {
        var now = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        var seen = new HashSet<ClusterId>();
        for (var i = 0; i < 100; i++)
        {
            var id = ClusterId.New(now);
            Assert.True(ClusterId.Parse(id.Value) == id && id.Value.Length == ClusterId.MintedLength, $"'{id}' must be a valid made id");
            Assert.True(seen.Add(id), $"'{id}' was made twice at the same time: the random part must differ");
        }
        Assert.Throws<ArgumentNullException>(() => ClusterId.New(now, null!));
    }

    [Fact]
    public void Equals_IsOrdinal_AndAgreesWithGetHashCode()
    {
        var a = ClusterId.Parse("Prod");
        Assert.True(a == ClusterId.Parse("Prod") && a.GetHashCode() == ClusterId.Parse("Prod").GetHashCode(), "equal ids must hash equally");
        Assert.NotEqual(ClusterId.Parse("prod"), a);
        Assert.True(ClusterId.Compare(ClusterId.Parse("B"), ClusterId.Parse("a")) < 0, "ordinal order puts upper case first");
        Assert.True(ClusterId.Compare(a, ClusterId.Parse("Prod")) == 0, "an id compares equal to itself");
        Assert.True(default(ClusterId).GetHashCode() == 0 && default(ClusterId).ToString() == "", "the default id has no text");
        Assert.NotEqual(default, a);
    }
}
