namespace Tally.Maelstrom.StandIn;

/// <summary>Jepsen's completion types: ok (it happened), info (it may or may not have happened), fail (it did not).</summary>
internal enum OpType
{
    Ok,
    Info,
    Fail,
}

/// <summary>One completed client operation. <paramref name="Value"/> is the add's delta or the value read (null
/// when a read did not complete). Times are seconds since the start of the run.</summary>
internal sealed record Op(int Process, string Node, string F, long? Value, OpType Type, bool Final, double Invoked, double Completed, string? Error);

/// <summary>The operations of a run, in completion order.</summary>
internal sealed class History
{
    readonly Lock _lock = new();
    readonly List<Op> _ops = [];

    public void Add(Op op)
    {
        lock (_lock)
        {
            _ops.Add(op);
        }
    }

    public IReadOnlyList<Op> Ops
    {
        get
        {
            lock (_lock)
            {
                return [.. _ops];
            }
        }
    }
}
