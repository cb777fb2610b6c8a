using System.Diagnostics.CodeAnalysis;

namespace Tally.Crdt;

/// <summary>Identity of one cluster: 1 to 64 characters from <c>[A-Za-z0-9._-]</c>, starting with a letter or digit.
/// Made at the first start of a cluster's first node (<see cref="New()"/>: 16 characters from <c>[0-9a-z]</c>, 80
/// random bits) or given in configuration; stored in every data directory and carried in every gossip message, so a
/// node never merges the state of another cluster.</summary>
public readonly record struct ClusterId
{
    public const int MaxLength = 64;

    public const int MintedLength = 16;

    const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    ClusterId(string value) => Value = value;

    public string Value { get; }

    public static ClusterId Parse(string value) => TryParse(value, out var id)
        ? id
        : throw new ArgumentException(
            $"Invalid cluster id '{ReplicaId.Truncate(value)}': use 1-{MaxLength} characters from [A-Za-z0-9._-], starting with a letter or digit.",
            nameof(value));

    public static bool TryParse([NotNullWhen(true)] string? value, out ClusterId id)
    {
        id = IdRules.IsValid(value, MaxLength, allowColonAndTilde: false) ? new ClusterId(value!) : default;
        return id.Value is not null;
    }

    /// <summary>A new cluster id from a cryptographic random generator.</summary>
    public static ClusterId New() => New(System.Security.Cryptography.RandomNumberGenerator.GetInt32);

    /// <summary>A new cluster id from a seeded generator (the simulator).</summary>
    public static ClusterId New(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return New(n => random.Next(n));
    }

    static ClusterId New(Func<int, int> next)
    {
        Span<char> chars = stackalloc char[MintedLength];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[next(Alphabet.Length)];
        }
        return new ClusterId(new string(chars));
    }

    public bool Equals(ClusterId other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override int GetHashCode() => Value is null ? 0 : Value.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Value ?? "";
}
