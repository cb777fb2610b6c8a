using Tally.Replication;

namespace Tally.Simulation;

/// <summary>What a scheduled event does.</summary>
enum EventKind : byte
{
    /// <summary>A node's gossip round.</summary>
    Tick,
    /// <summary>A message arrives at <see cref="SimEvent.Node"/>.</summary>
    Deliver,
    /// <summary>A node's disk completes one append or snapshot (<see cref="SimEvent.Number"/>).</summary>
    Flush,
    /// <summary>A scripted action: a fault, a heal, a join, a leave, a sample.</summary>
    Action,
}

/// <summary>One event. <see cref="Epoch"/> ties ticks and flushes to one start of a node (or one life of a disk), so
/// events of a crashed process are ignored.</summary>
readonly record struct SimEvent(EventKind Kind, int Node, int Epoch, int From = -1, GossipMessage? Message = null, Action? Action = null, long Number = 0);

/// <summary>The discrete-event loop: a priority queue ordered by (time, sequence). Equal times keep the order they
/// were scheduled in, so a run depends only on its seed.</summary>
sealed class Scheduler(SimulatedTimeProvider time)
{
    readonly PriorityQueue<SimEvent, EventKey> _queue = new();
    long _sequence;

    public long Now => time.Now;

    public int Pending => _queue.Count;

    public long Processed { get; private set; }

    public void At(long when, SimEvent e) => _queue.Enqueue(e, new EventKey(Math.Max(when, time.Now), _sequence++));

    /// <summary>Takes the next event due at or before <paramref name="until"/> and moves the clock to it.</summary>
    public bool TryNext(long until, out SimEvent e)
    {
        if (_queue.TryPeek(out e, out var key) && key.Time <= until)
        {
            _queue.Dequeue();
            time.AdvanceTo(key.Time);
            Processed++;
            return true;
        }
        e = default;
        return false;
    }

    /// <summary>Moves the clock to <paramref name="when"/> once no event is due before it.</summary>
    public void AdvanceTo(long when)
    {
        if (when > time.Now)
        {
            time.AdvanceTo(when);
        }
    }

    /// <summary>Orders events by time, then by the order they were scheduled in. A struct with its own comparison,
    /// so the queue compares without a virtual call.</summary>
    readonly record struct EventKey(long Time, long Sequence) : IComparable<EventKey>
    {
        public int CompareTo(EventKey other) => Time != other.Time ? Time.CompareTo(other.Time) : Sequence.CompareTo(other.Sequence);
    }
}
