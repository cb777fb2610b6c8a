namespace Tally.Simulation;

/// <summary>A fault on some directed links: the probability that a message from one node to another is dropped.
/// Partitions are faults that drop everything on their links (etcd-io/raft's network: drop, cut, isolate).</summary>
public abstract record LinkFault
{
    public abstract double DropProbability(int from, int to);
}

/// <summary>Drops messages from <see cref="From"/> to <see cref="To"/> with <see cref="Probability"/>; with 1 it is
/// a one-way partition.</summary>
public sealed record DropFault(IReadOnlySet<int> From, IReadOnlySet<int> To, double Probability) : LinkFault
{
    public override double DropProbability(int from, int to) => From.Contains(from) && To.Contains(to) ? Probability : 0;

    public override string ToString() => $"drop {string.Join(',', From)} -> {string.Join(',', To)} p={Probability}";
}

/// <summary>Cuts every link between <see cref="A"/> and <see cref="B"/>, both ways.</summary>
public sealed record CutFault(IReadOnlySet<int> A, IReadOnlySet<int> B) : LinkFault
{
    public override double DropProbability(int from, int to) =>
        A.Contains(from) && B.Contains(to) || B.Contains(from) && A.Contains(to) ? 1 : 0;

    public override string ToString() => $"cut {string.Join(',', A)} | {string.Join(',', B)}";
}

/// <summary>Cuts one node from every other, including nodes that join later.</summary>
public sealed record IsolateFault(int Node) : LinkFault
{
    public override double DropProbability(int from, int to) => from == Node || to == Node ? 1 : 0;

    public override string ToString() => $"isolate {Node}";
}
