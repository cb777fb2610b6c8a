using Tally.Maelstrom.StandIn;

namespace Tally.Maelstrom.Tests;

public sealed class NemesisTests
{
    static readonly string[] Five = ["n0", "n1", "n2", "n3", "n4"];

    static Func<int, int> Seeded(int seed)
    {
        var random = new Random(seed);
        return random.Next;
    }

    static bool Sees(Dictionary<string, IReadOnlySet<string>> grudge, string a, string b) =>
        !(grudge.TryGetValue(b, out var dropped) && dropped.Contains(a));

    [Theory]
    [InlineData("one", 1)]
    [InlineData("minority-third", 1)]
    [InlineData("majority", 2)]
    public void Grudge_SplitsIntoAMinorityAndAMajorityThatDropEachOther(string spec, int minority)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var grudge = Nemesis.Grudge(spec, Five, Seeded(seed));
            var isolated = Five.Where(n => grudge[n].Count == Five.Length - minority).ToList();
            Assert.Equal(minority, isolated.Count);
            foreach (var a in Five)
            {
                foreach (var b in Five.Where(b => b != a))
                {
                    Assert.Equal(isolated.Contains(a) == isolated.Contains(b), Sees(grudge, a, b));
                    Assert.Equal(Sees(grudge, a, b), Sees(grudge, b, a));
                }
            }
        }
    }

    [Fact]
    public void Grudge_MajoritiesRing_LetsEveryNodeSeeADifferentMajority()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var grudge = Nemesis.Grudge("majorities-ring", Five, Seeded(seed));
            var views = Five.Select(n => string.Join(",", Five.Where(o => !grudge[n].Contains(o)).Order())).ToList();
            Assert.All(views, v => Assert.Equal(3, v.Split(',').Length));
            Assert.Equal(5, views.Distinct().Count());
        }
    }
}
