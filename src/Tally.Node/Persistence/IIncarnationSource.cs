using Tally.Storage;

namespace Tally.Node;

/// <summary>Chooses the incarnation of this start: greater than that of any earlier start of the same node id.</summary>
public interface IIncarnationSource
{
    long Next();
}

/// <summary>The clock alone (unix milliseconds): enough for a node without a data directory (in-memory tests).</summary>
sealed class ClockIncarnation(TimeProvider time) : IIncarnationSource
{
    public long Next() => Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), 1);
}

/// <summary>max(clock, last + 1), kept durably in the data directory, so a clock that went back cannot reuse one.</summary>
sealed class FileIncarnation(FileStateStore store, TimeProvider time) : IIncarnationSource
{
    public long Next() => IncarnationFile.Next(store.DataDirectory, time);
}
