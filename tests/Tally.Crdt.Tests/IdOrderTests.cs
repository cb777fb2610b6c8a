namespace Tally.Crdt.Tests;

/// <summary>Every comparison operator of <see cref="ReplicaId"/> and <see cref="VideoId"/>, at less, equal and more:
/// entries are serialized in this order, so an operator that disagreed with it would reorder an encoding.</summary>
public class IdOrderTests
{
    public static TheoryData<string, string, int> Pairs => new()
    {
        { "n1", "n2", -1 },
        { "n2", "n2", 0 },
        { "n3", "n2", 1 },
        { "B", "a", -1 }, // ordinal: upper case first
        { "n1", "n10", -1 },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Operators_AgreeWithOrdinalOrder_ForReplicaIds(string left, string right, int sign)
    {
        var (a, b) = (ReplicaId.Parse(left), ReplicaId.Parse(right));
        Assert.Equal(sign, Math.Sign(a.CompareTo(b)));
        Assert.Equal(sign < 0, a < b);
        Assert.Equal(sign <= 0, a <= b);
        Assert.Equal(sign > 0, a > b);
        Assert.Equal(sign >= 0, a >= b);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Operators_AgreeWithOrdinalOrder_ForVideoIds(string left, string right, int sign)
    {
        var (a, b) = (VideoId.Parse(left), VideoId.Parse(right));
        Assert.Equal(sign, Math.Sign(a.CompareTo(b)));
        Assert.Equal(sign < 0, a < b);
        Assert.Equal(sign <= 0, a <= b);
        Assert.Equal(sign > 0, a > b);
        Assert.Equal(sign >= 0, a >= b);
        Assert.Equal(sign == 0, a.Equals(b));
        Assert.True(sign != 0 || a.GetHashCode() == b.GetHashCode(), "equal video ids must hash equally");
    }

    [Fact]
    public void Name_IsThePartBeforeTheTilde_AndEmptyForTheDefaultId()
    {
        Assert.Equal("node-1", ReplicaId.Parse("node-1~0123456789").Name);
        Assert.Equal("", default(ReplicaId).Name);
        Assert.Equal("", default(ReplicaId).ToString());
        Assert.True(default(VideoId).GetHashCode() == 0 && default(VideoId) == default, "the default video id has no text");
    }

    [Fact]
    public void Parse_QuotesAnInputOfEightyCharactersWhole_AndCutsALongerOne()
    {
        var eighty = "-" + new string('x', 79); // invalid (starts with a dash), exactly 80 characters
        Assert.Contains($"'{eighty}'", Assert.Throws<ArgumentException>(() => VideoId.Parse(eighty)).Message, StringComparison.Ordinal);
        var longer = eighty + "y";
        Assert.Contains($"'{eighty}...'", Assert.Throws<ArgumentException>(() => VideoId.Parse(longer)).Message, StringComparison.Ordinal);
        Assert.Contains("''", Assert.Throws<ArgumentException>(() => ReplicaId.Parse(null!)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("n1~0123456789", true)]
    [InlineData("n1~abcdefghiz", true)]
    [InlineData("n1~012345678/", false)] // '/' sorts just before '0'
    [InlineData("n1~012345678:", false)] // ':' sorts just after '9'
    [InlineData("n1~abcdefghi`", false)] // '`' sorts just before 'a'
    [InlineData("n1~abcdefghi{", false)] // '{' sorts just after 'z'
    [InlineData("n1~abcdefghiA", false)]
    public void TryParse_TakesOnlyDigitsAndLowerCaseLettersInTheSuffix(string value, bool valid) =>
        Assert.Equal(valid, ReplicaId.TryParse(value, out _));

    [Theory]
    [InlineData("a-b_c.d", true)]
    [InlineData("a:b", false)]
    [InlineData("a~b", false)]
    [InlineData("a,b", false)]
    [InlineData("a+b", false)]
    public void IsValidName_TakesDashUnderscoreAndDotOnly(string name, bool valid) => Assert.Equal(valid, ReplicaId.IsValidName(name));

    [Theory]
    [InlineData("a:b~c-d_e.f", true)]
    [InlineData("a;b", false)]
    [InlineData("a}b", false)]
    [InlineData("a b", false)]
    public void TryParse_TakesColonAndTildeInVideoIds(string value, bool valid) => Assert.Equal(valid, VideoId.TryParse(value, out _));

    [Fact]
    public void New_MakesDistinctIdsOfTheName_FromTheCryptographicGenerator()
    {
        var seen = new HashSet<ReplicaId>();
        for (var i = 0; i < 100; i++)
        {
            var id = ReplicaId.New("n1");
            Assert.True(id.Name == "n1" && ReplicaId.Parse(id.Value) == id && id.Value.Length == 3 + ReplicaId.SuffixLength, $"'{id}' must be n1 with a suffix");
            Assert.True(seen.Add(id), $"'{id}' was made twice");
        }
        Assert.Throws<ArgumentNullException>(() => ReplicaId.New("n1", null!));
        Assert.Throws<ArgumentException>(() => ReplicaId.New("-n1"));
    }

    [Fact]
    public void GetHashCode_SpreadsDistinctIds()
    {
        static int Distinct(Func<int, int> hash) => Enumerable.Range(0, 100).Select(hash).Distinct().Count();
        var videos = Distinct(i => VideoId.Parse($"v{i}").GetHashCode());
        var replicas = Distinct(i => ReplicaId.Parse($"n{i}").GetHashCode());
        var clusters = Distinct(i => ClusterId.Parse($"c{i}").GetHashCode());
        Assert.True(videos > 90 && replicas > 90 && clusters > 90, $"100 distinct ids must spread over hashes: videos {videos}, replicas {replicas}, clusters {clusters}");
    }
}
