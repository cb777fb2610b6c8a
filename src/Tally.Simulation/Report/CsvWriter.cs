using System.Globalization;

namespace Tally.Simulation.Report;

/// <summary>Writes per-node counts over time as CSV, one row per node per sample:
/// <c>time_ms,round,node,status,count,acknowledged</c> (count empty while the node is not up).</summary>
public static class CsvWriter
{
    public static void Write(TextWriter writer, CountSeries series, TimeSpan interval)
    {
        writer.WriteLine("time_ms,round,node,status,count,acknowledged");
        for (var s = 0; s < series.TimesMs.Count; s++)
        {
            var time = series.TimesMs[s];
            var round = time / interval.TotalMilliseconds;
            var counts = series.Counts[s];
            for (var n = 0; n < counts.Length; n++)
            {
                var up = counts[n] != CountSeries.NotUp;
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{time:0.###},{round:0.###},n{n + 1},{(up ? "up" : "down")},{(up ? counts[n].ToString(CultureInfo.InvariantCulture) : "")},{series.Acknowledged[s]}"));
            }
        }
    }

    public static void Write(string path, CountSeries series, TimeSpan interval)
    {
        using var writer = new StreamWriter(path);
        Write(writer, series, interval);
    }
}
