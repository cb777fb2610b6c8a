using System.Collections.Concurrent;

namespace Tally.Maelstrom.StandIn;

/// <summary>Protocol breaches seen during a run (a malformed stdout line, a reply that breaks the workload's schema, a
/// crash). Maelstrom fails or wedges on each; the stand-in lists them and fails the run.</summary>
sealed class Violations
{
    readonly ConcurrentQueue<string> _items = new();

    public void Add(string violation)
    {
        if (_items.Count < 100)
        {
            _items.Enqueue(violation);
        }
    }

    public IReadOnlyList<string> Items => [.. _items];
}
