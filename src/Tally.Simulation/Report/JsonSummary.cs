using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tally.Simulation.Report;

/// <summary>The one-line JSON summary of a run:
/// <c>{"seed","nodes","converged","rounds","simulatedMs","messages","bytes","acknowledged","finalCounts":{"min","max"}}</c>.</summary>
public static class JsonSummary
{
    public static string Write(SimulationResult result)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("seed", result.Seed);
            json.WriteNumber("nodes", result.Nodes);
            json.WriteBoolean("converged", result.Passed);
            json.WriteNumber("rounds", result.Rounds);
            json.WriteNumber("simulatedMs", Math.Round(result.SimulatedMs, 3));
            json.WriteNumber("messages", result.Messages);
            json.WriteNumber("bytes", result.Bytes);
            json.WriteNumber("acknowledged", result.Acknowledged);
            json.WriteNumber("destroyed", result.Destroyed);
            json.WriteStartObject("finalCounts");
            // Counts are UInt128 (sums of entries), written as exact JSON integers: Utf8JsonWriter has no overload.
            json.WritePropertyName("min");
            json.WriteRawValue(result.FinalMin.ToString(CultureInfo.InvariantCulture));
            json.WritePropertyName("max");
            json.WriteRawValue(result.FinalMax.ToString(CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
