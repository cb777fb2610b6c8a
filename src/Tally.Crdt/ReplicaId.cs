using System.Diagnostics.CodeAnalysis;

namespace Tally.Crdt;

/// <summary>Identity of one replica (one node): 1 to 64 ASCII characters from <c>[A-Za-z0-9._-]</c>, starting with
/// a letter or digit. Ordered ordinally, which is the order entries are serialized in.</summary>
public readonly record struct ReplicaId : IComparable<ReplicaId>
{
    public const int MaxLength = 64;

    ReplicaId(string value) => Value = value;

    public string Value { get; }

    public static ReplicaId Parse(string value) => TryParse(value, out var id)
        ? id
        : throw new ArgumentException(
            $"Invalid replica id '{Truncate(value)}': use 1-{MaxLength} characters from [A-Za-z0-9._-], starting with a letter or digit.",
            nameof(value));

    public static bool TryParse([NotNullWhen(true)] string? value, out ReplicaId id)
    {
        id = IdRules.IsValid(value, MaxLength, allowColonAndTilde: false) ? new ReplicaId(value!) : default;
        return id.Value is not null;
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
