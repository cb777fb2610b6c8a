using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tally.Maelstrom.Naive;

/// <summary>The textbook Maelstrom g-counter (doc/04-crdts/02-counters.md's shape): a map node id -> count, every
/// tick the whole map to every other node, merged by per-node maximum. Usage:
/// <c>naive [--interval-ms 100] [--merge max|sum] [--drop-every N]</c>. <c>--merge sum</c> adds the received counts
/// instead (over-counts); <c>--drop-every N</c> acknowledges every add but forgets every Nth (under-counts). Both are
/// deliberately broken, for the tests that show the stand-in's checker fails them.</summary>
static class Program
{
    static readonly Lock Gate = new();
    static readonly Dictionary<string, long> Counts = [];
    static string _self = "";
    static string[] _others = [];
    static long _nextMsgId;
    static long _adds;
    const long Cap = long.MaxValue / 1024;

    static async Task<int> Main(string[] args)
    {
        var interval = TimeSpan.FromMilliseconds(Arg(args, "--interval-ms") is { } ms ? int.Parse(ms) : 100);
        var sum = Arg(args, "--merge") == "sum";
        var dropEvery = Arg(args, "--drop-every") is { } n ? long.Parse(n) : 0;
        var stdout = Console.OpenStandardOutput();
        using var stop = new CancellationTokenSource();
        var ticks = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                lock (Gate)
                {
                    if (_self.Length == 0)
                    {
                        continue;
                    }
                    var state = new JsonObject();
                    foreach (var (node, count) in Counts)
                    {
                        state[node] = count;
                    }
                    foreach (var other in _others)
                    {
                        Write(stdout, other, new JsonObject { ["type"] = "state", ["counts"] = state.DeepClone() });
                    }
                }
            }
        });
        using var stdin = new StreamReader(Console.OpenStandardInput());
        while (await stdin.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            var message = JsonNode.Parse(line)!;
            var src = (string)message["src"]!;
            var body = message["body"]!;
            lock (Gate)
            {
                switch ((string?)body["type"])
                {
                    case "init":
                        _self = (string)body["node_id"]!;
                        _others = [.. body["node_ids"]!.AsArray().Select(n => (string)n!).Where(n => n != _self)];
                        Reply(stdout, src, body, "init_ok");
                        break;
                    case "add":
                        var delta = (long)body["delta"]!;
                        if (dropEvery == 0 || ++_adds % dropEvery != 0)
                        {
                            Counts[_self] = Counts.GetValueOrDefault(_self) + delta;
                        }
                        Reply(stdout, src, body, "add_ok");
                        break;
                    case "read":
                        Reply(stdout, src, body, "read_ok", Counts.Values.Sum());
                        break;
                    case "state":
                        foreach (var (node, value) in body["counts"]!.AsObject())
                        {
                            var count = (long)value!;
                            // The sum is capped so the broken node keeps answering (with wrong values) instead of overflowing.
                            Counts[node] = sum
                                ? Math.Min(Counts.GetValueOrDefault(node) + Math.Min(count, Cap), Cap)
                                : Math.Max(Counts.GetValueOrDefault(node), count);
                        }
                        break;
                }
            }
        }
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await ticks.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        return 0;
    }

    static void Reply(Stream stdout, string dest, JsonNode request, string type, long? value = null)
    {
        var body = new JsonObject { ["type"] = type, ["msg_id"] = ++_nextMsgId, ["in_reply_to"] = (long)request["msg_id"]! };
        if (value is { } v)
        {
            body["value"] = v;
        }
        Write(stdout, dest, body);
    }

    static void Write(Stream stdout, string dest, JsonObject body)
    {
        var line = new JsonObject { ["src"] = _self, ["dest"] = dest, ["body"] = body };
        stdout.Write(JsonSerializer.SerializeToUtf8Bytes(line));
        stdout.WriteByte((byte)'\n');
        stdout.Flush();
    }

    static string? Arg(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
