using System.Diagnostics;
using System.Threading.Channels;

namespace Tally.Maelstrom.StandIn;

/// <summary>One g-counter test, phase by phase as maelstrom/core.clj builds it: start the nodes and send each
/// <c>init</c>; for the time limit, clients issue adds and reads at the rate while the nemesis partitions and heals;
/// then heal, wait for recovery, give every worker one final read, stop the nodes and check the history.</summary>
internal sealed class StandInRun(StandInOptions options, TextWriter log)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly History _history = new();
    readonly Violations _violations = new();
    readonly List<string> _events = [];

    double Now() => _clock.Elapsed.TotalSeconds;

    public async Task<RunResult> RunAsync()
    {
        var nodes = Enumerable.Range(0, options.NodeCount).Select(i => $"n{i}").ToList();
        var network = new Network(options, new Random(Derive(3)));
        var processes = nodes.Select(n => new NodeProcess(n, options, network, _violations)).ToList();
        try
        {
            foreach (var p in processes)
            {
                p.Start();
            }
            var initialized = await InitAsync(nodes, network);
            NetworkStats main = new(), all = new();
            if (initialized)
            {
                var workers = new Workers(options, nodes, network, _history, _violations, Now, firstClient: nodes.Count);
                Note($"main phase: {options.TimeLimit.TotalSeconds:F0}s at {options.Rate}/s with {workers.All.Count} workers");
                var end = Now() + options.TimeLimit.TotalSeconds;
                await Task.WhenAll(GenerateAsync(workers, end), options.Partitions ? NemesisAsync(nodes, network, end) : Task.CompletedTask);
                network.Heal();
                Note("stop-partition (final heal); waiting for recovery");
                main = network.Snapshot();
                await Task.Delay(options.Recovery);
                Note("final reads");
                await Task.WhenAll(workers.All.Select(w => workers.RunAsync(w, "read", null, final: true)));
                all = network.Snapshot();
            }
            foreach (var p in processes)
            {
                await p.StopAsync();
            }
            var check = Checker.Check(_history, nodes);
            return new RunResult(options, initialized, check, _history.Ops, main, all, [.. _events], _violations.Items, Now());
        }
        finally
        {
            foreach (var p in processes)
            {
                await p.DisposeAsync();
            }
        }
    }

    /// <summary>Sends <c>init</c> to every node at once and waits for each <c>init_ok</c> (Maelstrom's db setup; it
    /// waits 10 s).</summary>
    async Task<bool> InitAsync(List<string> nodes, Network network)
    {
        var results = await Task.WhenAll(nodes.Select(async (node, i) =>
        {
            var client = new Client($"c{i}", network);
            client.Open();
            try
            {
                var reply = await client.CallAsync(node, "init", w =>
                {
                    w.WriteString("node_id", node);
                    w.WriteStartArray("node_ids");
                    nodes.ForEach(w.WriteStringValue);
                    w.WriteEndArray();
                }, options.InitTimeout);
                if (!reply.GetProperty("type").ValueEquals("init_ok"))
                {
                    _violations.Add($"{node} answered init with {reply.GetRawText()}, expected init_ok");
                    return false;
                }
                return true;
            }
            catch (Exception e) when (e is TimeoutException or RpcError)
            {
                _violations.Add($"{node} did not answer init with init_ok: {e.Message}");
                return false;
            }
            finally
            {
                client.Close();
            }
        }));
        return results.All(ok => ok);
    }

    /// <summary>jepsen's <c>stagger (1/rate)</c> over the g-counter generator: an operation every uniform
    /// [0, 2/rate) seconds, handed to the next free worker; stops at the time limit and waits for operations in flight.</summary>
    async Task GenerateAsync(Workers workers, double end)
    {
        if (options.Rate <= 0)
        {
            await DelayUntilAsync(end);
            return;
        }
        var random = new Random(Derive(1));
        var free = Channel.CreateUnbounded<Worker>();
        foreach (var w in workers.All)
        {
            free.Writer.TryWrite(w);
        }
        var inFlight = new List<Task>();
        var next = Now();
        while (true)
        {
            next += random.NextDouble() * 2 / options.Rate;
            if (next >= end)
            {
                break;
            }
            await DelayUntilAsync(next);
            var worker = await free.Reader.ReadAsync();
            if (Now() >= end)
            {
                break;
            }
            var (f, delta) = NextOp(random);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    await workers.RunAsync(worker, f, delta, final: false);
                }
                finally
                {
                    free.Writer.TryWrite(worker);
                }
            }));
        }
        await Task.WhenAll(inFlight);
    }

    /// <summary>pn-counter's mix of an add of (rand-int 10) - 5 and a read, with g-counter's filter dropping negative
    /// adds: so a third of the operations are adds of 0 to 4 and two thirds are reads.</summary>
    static (string F, long? Delta) NextOp(Random random)
    {
        while (true)
        {
            if (random.Next(2) == 1)
            {
                return ("read", null);
            }
            var delta = random.Next(10) - 5;
            if (delta >= 0)
            {
                return ("add", delta);
            }
        }
    }

    async Task NemesisAsync(List<string> nodes, Network network, double end)
    {
        var random = new Random(Derive(2));
        var partitioned = false;
        while (true)
        {
            var at = Now() + random.NextDouble() * 2 * options.NemesisInterval.TotalSeconds;
            if (at >= end)
            {
                return;
            }
            await DelayUntilAsync(at);
            if (partitioned)
            {
                network.Heal();
                Note("stop-partition");
            }
            else
            {
                var spec = Nemesis.Specs[random.Next(Nemesis.Specs.Length)];
                var grudge = Nemesis.Grudge(spec, nodes, random.Next);
                network.Partition(grudge);
                Note($"start-partition {spec}: " + string.Join(" ", grudge.OrderBy(g => g.Key).Where(g => g.Value.Count > 0)
                    .Select(g => $"{g.Key} drops {string.Join(",", g.Value.Order())};")));
            }
            partitioned = !partitioned;
        }
    }

    async Task DelayUntilAsync(double at)
    {
        var wait = at - Now();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(wait));
        }
    }

    void Note(string text)
    {
        var line = $"{Now(),7:F2}s {text}";
        lock (_events)
        {
            _events.Add(line);
        }
        log.WriteLine(line);
    }

    int Derive(int stream) => unchecked(options.Seed * 1_000_003 + stream);
}
