using System.Text.Json;

namespace Tally.Maelstrom.StandIn;

/// <summary>Jepsen's client workers for the g-counter workload: worker i talks to node i mod N through its own client.
/// An operation whose RPC times out or fails is indeterminate (info), and the worker continues as a new process with a
/// new client, as a Jepsen worker does after its client crashed (the pn-counter client lets every RPC error crash).</summary>
sealed class Workers
{
    readonly StandInOptions _options;
    readonly Network _network;
    readonly History _history;
    readonly Violations _violations;
    readonly Func<double> _now;
    readonly Worker[] _workers;
    int _nextClient;

    public Workers(StandInOptions options, IReadOnlyList<string> nodes, Network network, History history, Violations violations, Func<double> now, int firstClient)
    {
        (_options, _network, _history, _violations, _now, _nextClient) = (options, network, history, violations, now, firstClient);
        _workers = [.. Enumerable.Range(0, options.Workers).Select(i => new Worker(i, nodes[i % nodes.Count], NewClient()))];
    }

    public IReadOnlyList<Worker> All => _workers;

    Client NewClient()
    {
        var client = new Client($"c{Interlocked.Increment(ref _nextClient)}", _network);
        client.Open();
        return client;
    }

    /// <summary>Runs one operation on <paramref name="worker"/> and records it.</summary>
    public async Task RunAsync(Worker worker, string f, long? delta, bool final)
    {
        var invoked = _now();
        OpType type;
        long? value = delta;
        string? error = null;
        try
        {
            var body = await worker.Client.CallAsync(worker.Node, f, w =>
            {
                if (delta is { } d)
                {
                    w.WriteNumber("delta", d);
                }
            }, final ? _options.FinalReadTimeout ?? _options.RpcTimeout : _options.RpcTimeout);
            if (Schema.Problem(f, body) is { } problem)
            {
                _violations.Add($"{worker.Node} answered {f} with a body the workload's schema rejects ({problem}): {body.GetRawText()}");
                (type, error) = (OpType.Info, "malformed-rpc-response");
            }
            else
            {
                type = OpType.Ok;
                value = f == "read" ? body.GetProperty("value").GetInt64() : delta;
            }
        }
        catch (TimeoutException)
        {
            (type, error) = (OpType.Info, "net-timeout");
        }
        catch (RpcError e)
        {
            (type, error) = (OpType.Info, e.Message);
        }
        if (f == "read" && type != OpType.Ok)
        {
            value = null;
        }
        _history.Add(new Op(worker.Process, worker.Node, f, value, type, final, invoked, _now(), error));
        if (type == OpType.Info)
        {
            worker.Client.Close();
            worker.Client = NewClient();
            worker.Process += _workers.Length;
        }
    }
}

/// <summary>One Jepsen worker thread: its current process number, node and client.</summary>
sealed class Worker(int process, string node, Client client)
{
    public int Process { get; set; } = process;
    public string Node { get; } = node;
    public Client Client { get; set; } = client;
}

/// <summary>The workload's response schemas (doc/workloads.md, G-counter). Maelstrom's schemas are closed maps: a
/// reply may carry only these keys.</summary>
static class Schema
{
    public static string? Problem(string f, JsonElement body)
    {
        var expected = f + "_ok";
        string[] allowed = f == "read" ? ["type", "msg_id", "in_reply_to", "value"] : ["type", "msg_id", "in_reply_to"];
        if (!body.TryGetProperty("type", out var type) || !type.ValueEquals(expected))
        {
            return $"type must be {expected}";
        }
        if (body.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !allowed.Contains(n)) is { } extra)
        {
            return $"unexpected key {extra}";
        }
        if (!body.TryGetProperty("in_reply_to", out var r) || !IsInteger(r))
        {
            return "in_reply_to must be an integer";
        }
        if (body.TryGetProperty("msg_id", out var m) && !IsInteger(m))
        {
            return "msg_id must be an integer";
        }
        if (f == "read" && (!body.TryGetProperty("value", out var v) || !IsInteger(v)))
        {
            return "value must be an integer";
        }
        return null;
    }

    public static bool IsInteger(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out _);
}
