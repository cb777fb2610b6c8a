using System.Diagnostics.CodeAnalysis;

namespace Tally.Crdt;

/// <summary>Identity of one replica: one data directory, made once with it and never reused. The key of every
/// G-Counter entry and of membership. Written <c>&lt;name&gt;~&lt;suffix&gt;</c>, e.g. <c>n1~4k7pq2zx9m</c>: the node
/// name (1 to 64 characters from <c>[A-Za-z0-9._-]</c>, starting with a letter or digit) and
/// <see cref="SuffixLength"/> random characters from <c>[0-9a-z]</c>. A plain name without <c>~</c> is also a valid
/// id (a data directory written before replica ids keeps its name as its id). Ordered ordinally, which is the order
/// entries are serialized in.</summary>
/// <remarks>Two replicas of one name (a lost disk, a copied configuration) are two keys, so neither can absorb the
/// other's views: merge takes the maximum per key.</remarks>
public readonly record struct ReplicaId : IComparable<ReplicaId>
{
    /// <summary>Longest node name.</summary>
    public const int NameMaxLength = 64;

    /// <summary>Random characters after the <c>~</c> of a minted id: 50 bits, so two directories of one name never
    /// draw the same id in practice (a million lost disks of one name collide with probability below 10^-3).</summary>
    public const int SuffixLength = 10;

    public const int MaxLength = NameMaxLength + 1 + SuffixLength;

    public const char Separator = '~';

    const string SuffixAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    ReplicaId(string value) => Value = value;

    public string Value { get; }

    /// <summary>The node name: the part before <c>~</c>, or the whole id of a legacy plain id.</summary>
    public string Name => Value is null ? "" : Value.IndexOf(Separator) is var i and >= 0 ? Value[..i] : Value;

    public static ReplicaId Parse(string value) => TryParse(value, out var id)
        ? id
        : throw new ArgumentException(
            $"Invalid replica id '{Truncate(value)}': use a node name (1-{NameMaxLength} characters from [A-Za-z0-9._-], starting with a letter or digit), optionally followed by '~' and {SuffixLength} characters from [0-9a-z].",
            nameof(value));

    public static bool TryParse([NotNullWhen(true)] string? value, out ReplicaId id)
    {
        id = default;
        if (value is null)
        {
            return false;
        }
        var tilde = value.IndexOf(Separator);
        if (tilde < 0 ? !IsValidName(value) : !IsValidName(value[..tilde]) || !IsValidSuffix(value.AsSpan(tilde + 1)))
        {
            return false;
        }
        id = new ReplicaId(value);
        return true;
    }

    /// <summary>A valid node name: 1-64 characters from <c>[A-Za-z0-9._-]</c>, starting with a letter or digit.</summary>
    public static bool IsValidName([NotNullWhen(true)] string? name) => IdRules.IsValid(name, NameMaxLength, allowColonAndTilde: false);

    /// <summary>A new replica id for <paramref name="name"/> with a random suffix. The node draws it from a
    /// cryptographic generator (<see cref="New(string)"/>); the simulator from its seeded <see cref="Random"/>.</summary>
    public static ReplicaId New(string name, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return New(name, n => random.Next(n));
    }

    /// <summary>A new replica id for <paramref name="name"/>, drawn from a cryptographic random generator.</summary>
    public static ReplicaId New(string name) => New(name, System.Security.Cryptography.RandomNumberGenerator.GetInt32);

    static ReplicaId New(string name, Func<int, int> next)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"Invalid node name '{Truncate(name)}': use 1-{NameMaxLength} characters from [A-Za-z0-9._-], starting with a letter or digit.", nameof(name));
        }
        Span<char> suffix = stackalloc char[SuffixLength];
        for (var i = 0; i < suffix.Length; i++)
        {
            suffix[i] = SuffixAlphabet[next(SuffixAlphabet.Length)];
        }
        return new ReplicaId($"{name}{Separator}{suffix}");
    }

    static bool IsValidSuffix(ReadOnlySpan<char> suffix)
    {
        if (suffix.Length != SuffixLength)
        {
            return false;
        }
        foreach (var c in suffix)
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiLetterLower(c))
            {
                return false;
            }
        }
        return true;
    }

    public int CompareTo(ReplicaId other) => string.CompareOrdinal(Value, other.Value);

    public bool Equals(ReplicaId other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override int GetHashCode() => Value is null ? 0 : Value.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Value ?? "";

    public static bool operator <(ReplicaId left, ReplicaId right) => left.CompareTo(right) < 0;
    public static bool operator >(ReplicaId left, ReplicaId right) => left.CompareTo(right) > 0;
    public static bool operator <=(ReplicaId left, ReplicaId right) => left.CompareTo(right) <= 0;
    public static bool operator >=(ReplicaId left, ReplicaId right) => left.CompareTo(right) >= 0;

    internal static string Truncate(string? value) => value is null ? "" : value.Length <= 80 ? value : value[..80] + "...";
}
