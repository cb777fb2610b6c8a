using CsCheck;

namespace Tally.Crdt.Tests;

/// <summary>Validation, equality and order of <see cref="ReplicaId"/> and <see cref="VideoId"/>.</summary>
public class IdTests
{
    [Fact]
    public void Parse_RoundTrips_ForAnyValidId() =>
        Gen.Select(Generators.Replica, Generators.Video).Sample((replica, video) =>
        {
            Assert.True(ReplicaId.Parse(replica.Value) == replica && replica.ToString() == replica.Value, "a replica id must parse back to itself");
            Assert.True(VideoId.Parse(video.Value) == video && video.ToString() == video.Value, "a video id must parse back to itself");
        });

    [Fact]
    public void CompareTo_IsOrdinal_ForAnyTwoIds() =>
        Gen.Select(Generators.Replica, Generators.Replica, Generators.Video, Generators.Video).Sample((r1, r2, v1, v2) =>
        {
            Assert.True(Math.Sign(r1.CompareTo(r2)) == Math.Sign(string.CompareOrdinal(r1.Value, r2.Value)), "replica ids must order ordinally");
            Assert.True(Math.Sign(v1.CompareTo(v2)) == Math.Sign(string.CompareOrdinal(v1.Value, v2.Value)), "video ids must order ordinally");
            Assert.True((r1 == r2) == (r1.Value == r2.Value) && (r1 != r2 || r1.GetHashCode() == r2.GetHashCode()), "equal replica ids must hash equally");
            Assert.True((r1 < r2) == (r1.CompareTo(r2) < 0) && (r1 >= r2) == (r1.CompareTo(r2) >= 0), "operators must agree with CompareTo");
        });

    [Theory]
    [InlineData("")]
    [InlineData("-n1")]
    [InlineData(".n1")]
    [InlineData("_n1")]
    [InlineData("n 1")]
    [InlineData("n/1")]
    [InlineData("n:1")]
    [InlineData("n~1")]
    [InlineData("n\u00e91")]
    [InlineData("n1\n")]
    public void ReplicaIdParse_ThrowsWithClearMessage_ForInvalidId(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => ReplicaId.Parse(value));
        Assert.Equal("value", e.ParamName);
        Assert.Contains($"'{value}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("1-64 characters from [A-Za-z0-9._-], starting with a letter or digit", e.Message, StringComparison.Ordinal);
        Assert.False(ReplicaId.TryParse(value, out _), "TryParse must agree with Parse");
    }

    [Theory]
    [InlineData("")]
    [InlineData("~v")]
    [InlineData(":v")]
    [InlineData("v/1")]
    [InlineData("v?x=1")]
    [InlineData("v#1")]
    [InlineData("v%20")]
    [InlineData("\u00e9t\u00e9")]
    public void VideoIdParse_ThrowsWithClearMessage_ForInvalidId(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => VideoId.Parse(value));
        Assert.Equal("value", e.ParamName);
        Assert.Contains("1-128 characters from [A-Za-z0-9._~:-], starting with a letter or digit", e.Message, StringComparison.Ordinal);
        Assert.False(VideoId.TryParse(value, out _), "TryParse must agree with Parse");
    }

    [Fact]
    public void Parse_AcceptsMaxLengthAndRejectsOneMore_ForBothIds()
    {
        Assert.Equal(ReplicaId.NameMaxLength, ReplicaId.Parse(new string('r', ReplicaId.NameMaxLength)).Value.Length);
        Assert.Equal(ReplicaId.MaxLength, ReplicaId.New(new string('r', ReplicaId.NameMaxLength), new Random(1)).Value.Length);
        Assert.Throws<ArgumentException>(() => ReplicaId.Parse(new string('r', ReplicaId.NameMaxLength + 1)));
        Assert.Equal(VideoId.MaxLength, VideoId.Parse(new string('v', VideoId.MaxLength)).Value.Length);
        Assert.Throws<ArgumentException>(() => ReplicaId.Parse(new string('r', ReplicaId.NameMaxLength) + "~" + new string('a', ReplicaId.SuffixLength + 1)));
        Assert.Throws<ArgumentException>(() => VideoId.Parse(new string('v', VideoId.MaxLength + 1)));
    }

    [Fact]
    public void Parse_TruncatesValueInMessage_ForHugeInput()
    {
        var e = Assert.Throws<ArgumentException>(() => VideoId.Parse(new string('x', 100_000)));
        Assert.True(e.Message.Length < 400, "the message must not echo a huge input in full");
        Assert.Contains("...", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Throws_ForNull()
    {
        Assert.Throws<ArgumentException>(() => ReplicaId.Parse(null!));
        Assert.Throws<ArgumentException>(() => VideoId.Parse(null!));
        Assert.False(ReplicaId.TryParse(null, out var replica) || replica != default, "TryParse(null) must fail and give the default id");
    }

    [Fact]
    public void VideoIdParse_AcceptsColonAndTilde_WhereReplicaIdDoesNot()
    {
        Assert.Equal("ch:1~x", VideoId.Parse("ch:1~x").Value);
        Assert.False(ReplicaId.TryParse("ch:1~x", out _), "a replica id must not contain ':' or '~'");
    }

    [Fact]
    public void Default_HasNoValueAndEqualsOnlyDefault_ForBothIds()
    {
        Assert.Null(default(ReplicaId).Value);
        Assert.Equal("", default(VideoId).ToString());
        Assert.True(default(ReplicaId) == default && default(ReplicaId).GetHashCode() == 0, "default ids must be equal to each other");
        Assert.NotEqual(default, ReplicaId.Parse("n1"));
    }
}
