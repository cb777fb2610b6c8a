using Tally.Replication;

namespace Tally.Node;

public sealed partial class ReplicaExecutor
{
    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Node {Name} loaded {Videos} videos (empty disk: {Empty}) as replica {ReplicaId} of cluster {ClusterId}, incarnation {Incarnation}, in {Milliseconds} ms; {Keys} idempotency keys remembered")]
        public static partial void Loaded(ILogger logger, string name, int videos, bool empty, string replicaId, string clusterId, long incarnation, double milliseconds, int keys);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Refused gossip from {ReplicaId}: {Detail}")]
        public static partial void Refused(ILogger logger, string replicaId, string detail);

        [LoggerMessage(Level = LogLevel.Information, Message = "Joined cluster {ClusterId}; the id is stored")]
        public static partial void ClusterAdopted(ILogger logger, string clusterId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Name conflict: node name {Name} is used by more than one live replica; {ReplicaId} at {Address} (this node: {IsSelf}) is one. Each counts under its own replica id, so no view is lost, but give each process its own --id")]
        public static partial void NameConflict(ILogger logger, string name, string replicaId, string address, bool isSelf);

        [LoggerMessage(Level = LogLevel.Information, Message = "Name conflicts resolved: every live replica seen by {ReplicaId} has its own name again")]
        public static partial void NameConflictsResolved(ILogger logger, string replicaId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Node {Name} is leaving: views are refused; it exits once a live peer has acknowledged all its state")]
        public static partial void Leaving(ILogger logger, string name);

        [LoggerMessage(Level = LogLevel.Information, Message = "Node {Name} left: {Detail} Stopping")]
        public static partial void LeaveComplete(ILogger logger, string name, string detail);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Name} stops leaving: {Detail}")]
        public static partial void LeaveTimedOut(ILogger logger, string name, string detail);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Name} stopped before its last appends or snapshot ended; the next start replays its log")]
        public static partial void StopCut(ILogger logger, string name);

        [LoggerMessage(Level = LogLevel.Error, Message = "Append {Number} ({Kind}, {Videos} videos) failed: {Reason}. Own views in it are answered 503 unless a later append carries them; merged ones are appended again and not acknowledged until then")]
        public static partial void AppendFailed(ILogger logger, AppendKind kind, long number, int videos, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot of {Videos} videos written")]
        public static partial void Snapshot(ILogger logger, int videos);

        [LoggerMessage(Level = LogLevel.Error, Message = "Could not write a snapshot; the log keeps growing until one succeeds")]
        public static partial void SnapshotFailed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Name} can write to its disk again and takes views (it could not: {Reason})")]
        public static partial void Recovered(ILogger logger, string name, string reason);

        [LoggerMessage(Level = LogLevel.Error, Message = "Probing the store failed")]
        public static partial void ProbeFailed(ILogger logger, Exception exception);
    }
}
