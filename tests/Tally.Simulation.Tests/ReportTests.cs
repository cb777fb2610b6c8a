using System.Text.Json;
using System.Xml.Linq;
using Tally.Simulation.Report;

namespace Tally.Simulation.Tests;

public class ReportTests
{
    static readonly SimulationOptions Small = new() { Seed = 3, Nodes = 4, Views = 200, Rounds = 5, Interval = TimeSpan.FromMilliseconds(100), Schedule = FaultSchedule.Parse("crash:n2@1-3") };

    [Fact]
    public void JsonSummary_Write_HasTheDocumentedFields()
    {
        var result = Simulator.Run(Small);
        using var json = JsonDocument.Parse(JsonSummary.Write(result));
        var root = json.RootElement;
        string[] fields = ["seed", "nodes", "converged", "rounds", "simulatedMs", "messages", "bytes", "acknowledged", "destroyed", "finalCounts"];
        Assert.Equal(fields, root.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("converged").GetBoolean(), result.Describe());
        Assert.Equal(result.Acknowledged, root.GetProperty("finalCounts").GetProperty("min").GetUInt64());
        Assert.Equal(result.Acknowledged, root.GetProperty("finalCounts").GetProperty("max").GetUInt64());
        Assert.True(root.GetProperty("bytes").GetInt64() > 0, "bytes must be counted with the default wire mode");
    }

    [Fact]
    public void CsvWriter_Write_HasOneRowPerNodePerSample()
    {
        var result = Simulator.Run(Small);
        using var writer = new StringWriter();
        CsvWriter.Write(writer, result.Series, Small.Interval);
        var lines = writer.ToString().TrimEnd().Split('\n');
        Assert.Equal("time_ms,round,node,status,count,acknowledged", lines[0]);
        Assert.Equal(1 + result.Series.Counts.Sum(c => c.Length), lines.Length);
        Assert.Contains(lines, l => l.Contains(",n2,down,,", StringComparison.Ordinal));
    }

    [Fact]
    public void SvgPlot_Render_IsWellFormedSvgWithTheLines()
    {
        var result = Simulator.Run(Small);
        var svg = XDocument.Parse(SvgPlot.Render(result.Series, "a <test> & plot", healMs: 500, convergedMs: 700));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Equal(4, svg.Descendants(ns + "polyline").Count());
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "a <test> & plot");
    }
}
