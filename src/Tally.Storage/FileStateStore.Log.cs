using Microsoft.Extensions.Logging;

namespace Tally.Storage;

public sealed partial class FileStateStore
{
    [LoggerMessage(Level = LogLevel.Information,
        Message = "Loaded {Videos} videos from {Snapshot} and {Records} log records in {Segments} segments")]
    partial void LogLoaded(int videos, string snapshot, long records, long segments);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Log {Segment} ended in {Reason}: recovered up to byte {Offset} and dropped {DroppedBytes} bytes after the last complete record")]
    partial void LogTornTail(string segment, long droppedBytes, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Log {Segment} was cut while it was created ({Reason}); it held no record and was rewritten")]
    partial void LogHeaderRewritten(string segment, string reason);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Snapshot {Snapshot} cannot be read ({Reason}); falling back to an older state")]
    partial void LogSnapshotCorrupt(string snapshot, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Wrote {Snapshot} ({Videos} videos, {Bytes} bytes, {Carried} videos taken from the log); deleted {Segments} covered log segments")]
    partial void LogSnapshotWritten(string snapshot, int videos, long bytes, int carried, int segments);

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Writing the log {Segment} failed; the store takes no writes until it recovers (the node probes it) or the node restarts")]
    partial void LogWriteFailed(Exception exception, string segment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log {Segment} can be written again; the store takes appends")]
    partial void LogRecovered(string segment);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The log still cannot be written")]
    partial void LogStillFailing(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete {Path}")]
    partial void LogDeleteFailed(Exception exception, string path);
}
