using System.Diagnostics;

namespace Tally.Simulation;

/// <summary>The simulator's clock. Time moves only when the <see cref="Scheduler"/> takes the next event, so a run
/// never reads the machine's clock. Timers are not supported: the core has none, and a real timer here would break
/// determinism.</summary>
public sealed class SimulatedTimeProvider(DateTimeOffset start) : TimeProvider
{
    public static DateTimeOffset DefaultStart { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Simulated time since <see cref="Start"/>, in <see cref="TimeSpan"/> ticks.</summary>
    public long Now { get; private set; }

    public DateTimeOffset Start => start;

    public TimeSpan Elapsed => TimeSpan.FromTicks(Now);

    public override DateTimeOffset GetUtcNow() => start.AddTicks(Now);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("The simulated clock has no timers: schedule an event on the Scheduler instead.");

    internal void AdvanceTo(long ticks)
    {
        Debug.Assert(ticks >= Now, "simulated time never goes back");
        Now = ticks;
    }
}
