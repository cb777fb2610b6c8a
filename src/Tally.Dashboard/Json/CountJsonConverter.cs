using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tally.Dashboard.Json;

/// <summary>Counts (<see cref="BigInteger"/>) travel to the page as decimal strings such as <c>"12"</c>: a JavaScript
/// number is exact only up to 2^53, a string parsed with <c>BigInt</c> stays exact at any size. Reads either a JSON
/// number or such a string.</summary>
sealed class CountJsonConverter : JsonConverter<BigInteger>
{
    public override BigInteger Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType switch
        {
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
            JsonTokenType.String => reader.GetString(),
            _ => null,
        };
        return text is not null && BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new JsonException($"Expected a count (whole number), got {reader.TokenType}.");
    }

    public override void Write(Utf8JsonWriter writer, BigInteger value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
}
