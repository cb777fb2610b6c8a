namespace Tally.Simulation;

/// <summary>Conditions of the whole network: every link has these unless a <see cref="LinkFault"/> adds to them.</summary>
public sealed record NetworkConditions
{
    public LatencyModel Latency { get; init; } = LatencyModel.Default;

    /// <summary>Probability that a message is lost.</summary>
    public double Loss { get; init; }

    /// <summary>Probability that a message is delivered twice (each copy with its own latency).</summary>
    public double Duplication { get; init; }

    /// <summary>Probability that a message is held back by up to <see cref="ReorderDelayMax"/> more, so later
    /// messages overtake it.</summary>
    public double Reorder { get; init; }

    public TimeSpan ReorderDelayMax { get; init; } = TimeSpan.FromMilliseconds(50);
}

/// <summary>The simulated network: decides for each message whether it is lost, how many copies arrive and when.
/// Faults follow etcd-io/raft's test network: <see cref="Drop"/> (lossy or one-way links), <see cref="Cut"/>,
/// <see cref="Isolate"/>, <see cref="Heal()"/>. Every decision comes from the seeded <see cref="Random"/>.</summary>
public sealed class SimulatedNetwork(Random random, NetworkConditions conditions)
{
    readonly List<LinkFault> _faults = [];

    public NetworkConditions Conditions { get; set; } = conditions;

    public IReadOnlyList<LinkFault> Faults => _faults;

    public long Sent { get; private set; }
    public long Lost { get; private set; }
    public long Blocked { get; private set; }
    public long Duplicated { get; private set; }

    /// <summary>Drops messages from <paramref name="from"/> to <paramref name="to"/> with
    /// <paramref name="probability"/> (1: a one-way partition).</summary>
    public LinkFault Drop(IEnumerable<int> from, IEnumerable<int> to, double probability) =>
        Add(new DropFault(from.ToHashSet(), to.ToHashSet(), probability));

    /// <summary>Cuts every link between the two groups, both ways.</summary>
    public LinkFault Cut(IEnumerable<int> a, IEnumerable<int> b) => Add(new CutFault(a.ToHashSet(), b.ToHashSet()));

    /// <summary>Cuts <paramref name="node"/> from everyone.</summary>
    public LinkFault Isolate(int node) => Add(new IsolateFault(node));

    /// <summary>Removes one fault.</summary>
    public void Heal(LinkFault fault) => _faults.Remove(fault);

    /// <summary>Removes every fault (the base conditions stay).</summary>
    public void Heal() => _faults.Clear();

    public LinkFault Add(LinkFault fault)
    {
        _faults.Add(fault);
        return fault;
    }

    /// <summary>True when a fault cuts every message from <paramref name="from"/> to <paramref name="to"/> (a partition,
    /// not a lossy link).</summary>
    public bool Cuts(int from, int to) => _faults.Any(f => f.DropProbability(from, to) >= 1);

    /// <summary>Decides the fate of one message: returns how many copies arrive (0, 1 or 2) and writes their
    /// delays, in ticks, to <paramref name="delays"/>.</summary>
    public int Route(int from, int to, Span<long> delays)
    {
        Sent++;
        var c = Conditions;
        foreach (var fault in _faults)
        {
            var p = fault.DropProbability(from, to);
            if (p >= 1 || p > 0 && random.NextDouble() < p)
            {
                Blocked++;
                return 0;
            }
        }
        if (c.Loss > 0 && random.NextDouble() < c.Loss)
        {
            Lost++;
            return 0;
        }
        var copies = c.Duplication > 0 && random.NextDouble() < c.Duplication ? 2 : 1;
        Duplicated += copies - 1;
        for (var i = 0; i < copies; i++)
        {
            var delay = c.Latency.SampleTicks(random);
            if (c.Reorder > 0 && random.NextDouble() < c.Reorder)
            {
                delay += (long)(random.NextDouble() * c.ReorderDelayMax.Ticks);
            }
            delays[i] = delay;
        }
        return copies;
    }
}
