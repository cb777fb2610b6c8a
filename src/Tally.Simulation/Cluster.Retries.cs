namespace Tally.Simulation;

/// <summary>Clients that retry. Every client view carries an idempotency key; the replica stores the keys of an own
/// append with its views (durable together, lost together by a crash before it), as on the node. When a node restarts with its disk, the clients of its last
/// <see cref="RetriesPerNodeMax"/> requests, acknowledged or left unanswered by the crash, send them again to it with
/// the same key: a durable key is answered without counting, anything else counts once. The exact-sum checker then
/// fails on any double count or lost view. A node that lost its disk is another replica: its clients' keys are gone
/// with it (a retry there would count again, as the docs say), so they are not retried.</summary>
public sealed partial class Cluster
{
    /// <summary>Requests per node that its clients remember for a retry.</summary>
    public const int RetriesPerNodeMax = 16;

    readonly Dictionary<int, Queue<KeyedRequest>> _recentRequests = [];

    /// <summary>Keys whose views were counted (answered, or written by a crash unanswered), while a retry may come.</summary>
    readonly HashSet<long> _countedKeys = [];
    long _nextKey;

    readonly record struct KeyedRequest(long Key, int Video, ulong Amount);

    /// <summary>A view with an idempotency key: refused (false) when the node takes no views now; else the replica
    /// counts it once, or, when it already knows the key (durably, or from a request still in flight), answers from
    /// the first request without counting.</summary>
    bool KeyedView(int index, int video, ulong amount, long key) => View(index, video, amount, key);

    /// <summary>A new client request to node <paramref name="index"/>, remembered for a retry after a restart.</summary>
    bool NewKeyedView(int index, int video)
    {
        var key = ++_nextKey;
        if (!View(index, video, 1, key, DrawWriteLevel()))
        {
            return false;
        }
        if (_options.ClientRetries)
        {
            var recent = _recentRequests.TryGetValue(index, out var queue) ? queue : _recentRequests[index] = new Queue<KeyedRequest>();
            recent.Enqueue(new KeyedRequest(key, video, 1));
            while (recent.Count > RetriesPerNodeMax)
            {
                _countedKeys.Remove(recent.Dequeue().Key); // never retried: the client forgot it
            }
        }
        return true;
    }

    /// <summary>After node <paramref name="index"/> restarted with its disk, its clients retry their recent requests
    /// there: within a few gossip rounds, again a round later while it refuses (still starting or recovering).</summary>
    void RetryAfterRestart(int index, bool lostDisk)
    {
        if (!_recentRequests.Remove(index, out var requests) || lostDisk)
        {
            return;
        }
        foreach (var request in requests)
        {
            RetryAt(Time.Now + IntervalTicks / 2, index, request, attempt: 1);
        }
    }

    /// <summary>The views of request <paramref name="key"/> were counted; counting them again (a retry that found no
    /// stored key) breaks the one promise, whatever the sums say.</summary>
    void Counted(SimNode node, long key)
    {
        if (!_countedKeys.Add(key))
        {
            Checkers.Report("exactly-once", $"{node.Address} ({node.Id}) counted request k{key} again: a retry with the same " +
                "idempotency key must be answered from the stored key");
        }
    }

    void RetryAt(long when, int index, KeyedRequest request, int attempt) => At(when, () =>
    {
        Stats.ViewsRetried++;
        if (!KeyedView(index, request.Video, request.Amount, request.Key) && attempt < 5 && _nodes[index].Status == NodeStatus.Up)
        {
            RetryAt(Time.Now + IntervalTicks, index, request, attempt + 1);
        }
    });
}
