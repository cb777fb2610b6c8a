namespace Tally.Simulation;

/// <summary>What a run did. <see cref="Rounds"/> and <see cref="SimulatedMs"/> measure from the heal (views stopped,
/// faults healed) to convergence.</summary>
public sealed record SimulationResult
{
    public required int Seed { get; init; }
    public required bool Swarm { get; init; }
    public required int Nodes { get; init; }
    public required bool Converged { get; init; }
    public required Violation? Violation { get; init; }

    /// <summary>Gossip rounds from the heal to convergence (rounded up), or the budget when it did not converge.</summary>
    public required int Rounds { get; init; }

    /// <summary>Simulated milliseconds from the heal to convergence (or to the end of the budget).</summary>
    public required double SimulatedMs { get; init; }

    public required double TotalSimulatedMs { get; init; }
    public required long Messages { get; init; }
    public required long Delivered { get; init; }
    public required long Bytes { get; init; }
    public required ulong Acknowledged { get; init; }

    /// <summary>Acknowledged views destroyed with a lost disk before any surviving copy held them (the convergence
    /// target is <see cref="Acknowledged"/> less these; see <see cref="Checkers"/>).</summary>
    public ulong Destroyed { get; init; }
    public required UInt128 FinalMin { get; init; }
    public required UInt128 FinalMax { get; init; }
    public required ulong TraceHash { get; init; }
    public required long Events { get; init; }
    public required TimeSpan WallTime { get; init; }
    public required ClusterStats Stats { get; init; }
    public required CountSeries Series { get; init; }

    /// <summary>Converged and every checker held.</summary>
    public bool Passed => Converged && Violation is null;

    /// <summary>The seed and how to rerun exactly this run with <c>tally simulate</c>.</summary>
    public string Rerun => $"Seed={Seed}; rerun with --seed {Seed}{(Swarm ? " --swarm" : "")}";

    /// <summary>Messages delivered per wall-clock second.</summary>
    public double DeliveredPerSecond => WallTime > TimeSpan.Zero ? Delivered / WallTime.TotalSeconds : 0;

    public string Describe() => Passed
        ? $"converged in {Rounds} rounds ({SimulatedMs:F0} ms simulated) to {Acknowledged - Destroyed} views{(Destroyed > 0 ? $" ({Acknowledged} acknowledged, {Destroyed} destroyed with lost disks, no copy left anywhere)" : "")}; {Rerun}"
        : Violation is { } v
            ? $"checker failed: {v}; {Rerun}"
            : $"did not converge within {Rounds} rounds: counts {FinalMin}..{FinalMax}, acknowledged {Acknowledged}, destroyed with lost disks {Destroyed}; {Rerun}";
}
