namespace Tally.Maelstrom.StandIn;

/// <summary>How latencies are drawn, as Maelstrom's <c>--latency-dist</c>: constant (the mean), uniform (an integer
/// in [0, 2 mean]) or exponential (with that mean).</summary>
internal enum LatencyDistribution
{
    Constant,
    Uniform,
    Exponential,
}

/// <summary>One run, named after Maelstrom's <c>test</c> options where it has one (maelstrom/core.clj).</summary>
internal sealed record StandInOptions
{
    /// <summary>The node program and its arguments (Maelstrom's <c>--bin</c> and the arguments after the options).</summary>
    public required string Bin { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Nodes n0..n(N-1), as Maelstrom's <c>--node-count</c>.</summary>
    public int NodeCount { get; init; } = 5;

    /// <summary>Approximate requests per second over all clients (<c>--rate</c>; Maelstrom's default is 5).</summary>
    public double Rate { get; init; } = 5;

    /// <summary>Length of the main phase (<c>--time-limit</c>).</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Inject partitions (<c>--nemesis partition</c>).</summary>
    public bool Partitions { get; init; }

    /// <summary>Mean time between nemesis operations (<c>--nemesis-interval</c>, default 10 s).</summary>
    public TimeSpan NemesisInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Mean node-to-node latency (<c>--latency</c>, ms; clients always get 0, as in Maelstrom).</summary>
    public double LatencyMeanMs { get; init; }
    public LatencyDistribution LatencyDistribution { get; init; } = LatencyDistribution.Constant;

    /// <summary>Client workers (Jepsen's <c>--concurrency</c>; its default is one per node). Worker i talks to node i mod N.</summary>
    public int? Concurrency { get; init; }

    /// <summary>Seed of the generator, the nemesis and the latencies.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The RPC timeout of a client (Maelstrom's <c>default-timeout</c>, 5 s); init gets 10 s as in Maelstrom.</summary>
    public TimeSpan RpcTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <c>init</c> may take (Maelstrom: 10 s). Tests on a loaded machine give it more.</summary>
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The RPC timeout of the final reads; Maelstrom uses <see cref="RpcTimeout"/>. The stand-in requires a
    /// final read from every node, so tests on a loaded machine give it more.</summary>
    public TimeSpan? FinalReadTimeout { get; init; }

    /// <summary>The wait between the final heal and the final reads (Maelstrom's "Waiting for recovery...", 10 s).</summary>
    public TimeSpan Recovery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where node stderr logs go (one file per node); null keeps only the last lines in memory.</summary>
    public string? LogDirectory { get; init; }

    public int Workers => Concurrency ?? NodeCount;
}
