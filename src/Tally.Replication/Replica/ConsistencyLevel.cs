using System.Globalization;

namespace Tally.Replication;

/// <summary>How a consistency level names its replicas.</summary>
public enum LevelKind
{
    /// <summary>A fixed number of replicas, this one included (<c>1</c>, <c>2</c>, ...).</summary>
    Count,

    /// <summary>More than half of the replicas this one counts (<see cref="ReplicaNode.LevelMembers"/>): floor(N/2)+1.</summary>
    Majority,

    /// <summary>Every replica this one counts.</summary>
    All,
}

/// <summary>A write level (<c>w</c>: replicas that must hold the views durably before the 200) or a read level
/// (<c>r</c>: replicas whose entries are merged before the answer), as Akka.DistributedData's
/// <c>WriteTo(n)</c>/<c>WriteMajority</c>/<c>WriteAll</c> and Cassandra's consistency levels. Text forms: a whole
/// number 1..<see cref="CountMax"/>, <c>majority</c>, <c>all</c> (case-insensitive).</summary>
/// <remarks>The replicas a level counts, N, are this replica, every member it knows that has not left and is not the
/// down old replica of a lost disk (a newer replica of its name runs), and each configured seed not yet known by id
/// (<see cref="ReplicaNode.LevelMembers"/>). <c>majority</c> needs floor(N/2)+1 of them, <c>all</c> N.</remarks>
public readonly record struct ConsistencyLevel(LevelKind Kind, int Count)
{
    /// <summary>The largest number a level may name; no cluster of this design is larger than that and stays sane.</summary>
    public const int CountMax = 1000;

    /// <summary>This replica alone: the default, what a node did before levels.</summary>
    public static ConsistencyLevel One { get; } = new(LevelKind.Count, 1);

    public static ConsistencyLevel Majority { get; } = new(LevelKind.Majority, 0);

    public static ConsistencyLevel All { get; } = new(LevelKind.All, 0);

    public static ConsistencyLevel Of(int count) => new(LevelKind.Count, count);

    /// <summary>True for <c>1</c> (and the default value): nothing to wait for beyond this replica.</summary>
    public bool IsLocal => Kind == LevelKind.Count && Count <= 1;

    /// <summary>The replicas (this one included) the level needs when the replica counts <paramref name="members"/>.</summary>
    public int Required(int members) => Kind switch
    {
        LevelKind.Majority => members / 2 + 1,
        LevelKind.All => members,
        _ => Math.Max(1, Count),
    };

    /// <summary>Parses <c>1</c>..<see cref="CountMax"/>, <c>majority</c> or <c>all</c>; null or empty is <see cref="One"/>.</summary>
    public static bool TryParse(string? text, out ConsistencyLevel level)
    {
        level = One;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        if (string.Equals(text, "majority", StringComparison.OrdinalIgnoreCase))
        {
            level = Majority;
            return true;
        }
        if (string.Equals(text, "all", StringComparison.OrdinalIgnoreCase))
        {
            level = All;
            return true;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= CountMax)
        {
            level = Of(count);
            return true;
        }
        return false;
    }

    public override string ToString() => Kind switch
    {
        LevelKind.Majority => "majority",
        LevelKind.All => "all",
        _ => Math.Max(1, Count).ToString(CultureInfo.InvariantCulture),
    };
}
