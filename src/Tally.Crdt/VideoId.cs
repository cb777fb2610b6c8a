using System.Diagnostics.CodeAnalysis;

namespace Tally.Crdt;

/// <summary>Identity of one video: 1 to 128 ASCII characters from <c>[A-Za-z0-9._~:-]</c>, starting with a letter or
/// digit, so it can stand unescaped in a URL path segment. Ordered ordinally.</summary>
public readonly record struct VideoId : IComparable<VideoId>
{
    public const int MaxLength = 128;

    VideoId(string value) => Value = value;

    public string Value { get; }

    public static VideoId Parse(string value) => TryParse(value, out var id)
        ? id
        : throw new ArgumentException(
            $"Invalid video id '{ReplicaId.Truncate(value)}': use 1-{MaxLength} characters from [A-Za-z0-9._~:-], starting with a letter or digit.",
            nameof(value));

    public static bool TryParse([NotNullWhen(true)] string? value, out VideoId id)
    {
        id = IdRules.IsValid(value, MaxLength, allowColonAndTilde: true) ? new VideoId(value!) : default;
        return id.Value is not null;
    }

    /// <summary>Wraps a string already known to be valid (read back from this map's own index).</summary>
    internal static VideoId Trusted(string value) => new(value);

    public int CompareTo(VideoId other) => string.CompareOrdinal(Value, other.Value);

    public bool Equals(VideoId other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override int GetHashCode() => Value is null ? 0 : Value.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Value ?? "";

    public static bool operator <(VideoId left, VideoId right) => left.CompareTo(right) < 0;
    public static bool operator >(VideoId left, VideoId right) => left.CompareTo(right) > 0;
    public static bool operator <=(VideoId left, VideoId right) => left.CompareTo(right) <= 0;
    public static bool operator >=(VideoId left, VideoId right) => left.CompareTo(right) >= 0;
}
