using System.Diagnostics.CodeAnalysis;

namespace Tally.Crdt;

/// <summary>Identity of one cluster: 1 to 64 characters from <c>[A-Za-z0-9._-]</c>, starting with a letter or digit.
/// Given in configuration, or made at the first start of a cluster's first node (<see cref="New(DateTimeOffset)"/>:
/// 16 characters from <c>[0-9a-z]</c>, the first <see cref="TimeLength"/> the mint time in unix milliseconds, the rest
/// random, so made ids sort by age). Stored in every data directory and carried in every gossip message.</summary>
public readonly record struct ClusterId
{
    public const int MaxLength = 64;

    public const int MintedLength = 16;

    /// <summary>Characters of a made id that hold its mint time (base 36, fixed width: ordinal order is age order).</summary>
    public const int TimeLength = 9;

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

    /// <summary>A new cluster id made at <paramref name="now"/>, its random part from a cryptographic generator.</summary>
    public static ClusterId New(DateTimeOffset now) => New(now, System.Security.Cryptography.RandomNumberGenerator.GetInt32);

    /// <summary>A new cluster id made at <paramref name="now"/> from a seeded generator (the simulator).</summary>
    public static ClusterId New(DateTimeOffset now, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return New(now, n => random.Next(n));
    }

    static ClusterId New(DateTimeOffset now, Func<int, int> next)
    {
        Span<char> chars = stackalloc char[MintedLength];
        var ms = (ulong)Math.Max(0, now.ToUnixTimeMilliseconds());
        for (var i = TimeLength - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(ms % (ulong)Alphabet.Length)];
            ms /= (ulong)Alphabet.Length;
        }
        for (var i = TimeLength; i < chars.Length; i++)
        {
            chars[i] = Alphabet[next(Alphabet.Length)];
        }
        return new ClusterId(new string(chars));
    }

    /// <summary>Ordinal order; for made ids, older first.</summary>
    public static int Compare(ClusterId left, ClusterId right) => string.CompareOrdinal(left.Value, right.Value);

    public bool Equals(ClusterId other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override int GetHashCode() => Value is null ? 0 : Value.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Value ?? "";
}
