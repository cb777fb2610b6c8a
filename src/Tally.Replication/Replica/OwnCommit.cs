using Tally.Crdt;

namespace Tally.Replication;

/// <summary>A request accepted by <see cref="Replica.Submit"/> and not yet answered.</summary>
sealed class Submitted(ViewTicket ticket, ViewRequest request, long acceptedMs)
{
    public ViewTicket Ticket => ticket;
    public ViewRequest Request => request;
    public long AcceptedUnixMs => acceptedMs;
    public ulong[] Totals { get; } = new ulong[request.Items.Count];
    public ulong Added { get; set; }
    public KeyEntry? Key { get; set; }

    /// <summary>Retries with the same key that arrived while this request was in flight: they get its answer.</summary>
    public List<(ViewTicket Ticket, ConsistencyLevel Level)>? Followers { get; set; }

    public IdempotencyRecord? Record => Key is { } k ? new(k.Key, k.Fingerprint, acceptedMs, Totals) : null;
}

/// <summary>One own append: a batch of absolute own entries, the requests it counts, and the earlier commits whose
/// outcome was still open when it was prepared (<see cref="Covers"/>): its batch holds all their entries, so if it
/// is durable, so are they.</summary>
sealed class OwnCommit(long number, CounterMap batch, List<Submitted> requests, List<OwnCommit> covers)
{
    public long Number => number;
    public CounterMap Batch => batch;
    public List<Submitted> Requests => requests;
    public List<OwnCommit> Covers => covers;
    /// <summary>Answered (durable itself or through a later commit, or failed for good).</summary>
    public bool Resolved { get; set; }
}
