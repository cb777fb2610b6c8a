using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tally.Maelstrom.Tests;

public sealed class HostTests
{
    static async Task<string[]> RunAsync(string input, int lineBytesMax = 4 << 20)
    {
        var options = new MaelstromOptions { Seed = 1, LineBytesMax = lineBytesMax };
        var node = new MaelstromNode(options, TimeProvider.System, NullLogger.Instance);
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(input));
        using var stdout = new MemoryStream();
        var code = await new MaelstromHost(node, options, TimeProvider.System, NullLogger.Instance)
            .RunAsync(stdin, stdout, TestContext.Current.CancellationToken);
        Assert.Equal(0, code);
        return Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task RunAsync_WritesOneJsonMessagePerLine_AndEndsWithTheInput()
    {
        var lines = await RunAsync(
            """
            {"id":1,"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}

            {"id":2,"src":"c1","dest":"n1","body":{"type":"add","msg_id":1,"delta":2}}
            {"id":3,"src":"c1","dest":"n1","body":{"type":"read","msg_id":2}}
            """);
        var bodies = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("body")).ToList();
        Assert.Equal(["init_ok", "add_ok", "read_ok"], bodies.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal(2, bodies[2].GetProperty("value").GetInt64());
    }

    [Fact]
    public async Task RunAsync_SkipsALineLongerThanTheLimit_AndReadsTheNextOne()
    {
        var huge = """{"src":"c1","dest":"n1","body":{"type":"add","msg_id":1,"delta":1,"pad":"PAD"}}""".Replace("PAD", new string('x', 5000));
        var lines = await RunAsync(
            """
            {"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}
            HUGE
            {"src":"c1","dest":"n1","body":{"type":"read","msg_id":2}}
            """.Replace("HUGE", huge), lineBytesMax: 1024);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"value\":0", lines[1]);
    }
}
