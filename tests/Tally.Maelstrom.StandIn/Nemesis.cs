namespace Tally.Maelstrom.StandIn;

/// <summary>Maelstrom's partition nemesis (maelstrom/nemesis.clj, jepsen.nemesis.combined's partition package):
/// alternately start a partition of a randomly chosen kind and heal, an operation every uniform [0, 2 interval).</summary>
static class Nemesis
{
    /// <summary>The partition kinds jepsen draws from for a database without primaries.</summary>
    public static readonly string[] Specs = ["one", "minority-third", "majority", "majorities-ring"];

    /// <summary>The grudge of <paramref name="spec"/>: for each node, the nodes whose messages it drops.</summary>
    public static Dictionary<string, IReadOnlySet<string>> Grudge(string spec, IReadOnlyList<string> nodes, Func<int, int> next)
    {
        return spec switch
        {
            "one" => Complete(SplitOne(nodes, next)),
            "minority-third" => Complete(SplitAt(Shuffle(nodes, next), MinorityThird(nodes.Count))),
            "majority" => Complete(SplitAt(Shuffle(nodes, next), nodes.Count / 2)),
            "majorities-ring" => MajoritiesRing(nodes, next),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec, "unknown partition spec"),
        };
    }

    /// <summary>Largest integer strictly below a third of n (jepsen.util/minority-third).</summary>
    static int MinorityThird(int n) => (int)Math.Ceiling(n / 3.0) - 1;

    static int Majority(int n) => n / 2 + 1;

    static List<string>[] SplitOne(IReadOnlyList<string> nodes, Func<int, int> next)
    {
        var loner = nodes[next(nodes.Count)];
        return [[loner], [.. nodes.Where(n => n != loner)]];
    }

    static List<string>[] SplitAt(List<string> nodes, int at) => [nodes[..at], nodes[at..]];

    static List<string> Shuffle(IReadOnlyList<string> nodes, Func<int, int> next)
    {
        var list = nodes.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }

    /// <summary>Every node drops every node outside its own component (jepsen's complete-grudge).</summary>
    static Dictionary<string, IReadOnlySet<string>> Complete(IReadOnlyList<List<string>> components)
    {
        var all = components.SelectMany(c => c).ToHashSet();
        var grudge = new Dictionary<string, IReadOnlySet<string>>();
        foreach (var component in components)
        {
            foreach (var node in component)
            {
                grudge[node] = all.Except(component).ToHashSet();
            }
        }
        return grudge;
    }

    /// <summary>jepsen's majorities-ring (its exact variant, which jepsen uses up to 5 nodes): the nodes in a random
    /// ring; each node sees the majority window centred on it and drops everyone else, so every node sees a
    /// majority and no two see the same one.</summary>
    static Dictionary<string, IReadOnlySet<string>> MajoritiesRing(IReadOnlyList<string> nodes, Func<int, int> next)
    {
        var ring = Shuffle(nodes, next);
        var m = Majority(nodes.Count);
        var grudge = new Dictionary<string, IReadOnlySet<string>>();
        for (var i = 0; i < ring.Count; i++)
        {
            var window = Enumerable.Range(i, m).Select(k => ring[k % ring.Count]).ToList();
            grudge[window[m / 2]] = nodes.Except(window).ToHashSet();
        }
        return grudge;
    }
}
