using Tally.Crdt;

namespace Tally.Replication;

public sealed partial class Replica
{
    /// <summary>Answers counted here that wait for their write level, oldest first.</summary>
    readonly List<LevelWait> _levelWaits = [];

    /// <summary>Per peer, the version of the last push made for a waiting write and how many such pushes are
    /// unanswered (cleared each round, so a lost push is made again).</summary>
    readonly Dictionary<ReplicaId, (long Version, int Unanswered)> _levelPushed = [];

    /// <summary>Pushes for waiting writes unanswered at once per peer: enough to keep the peer's group commits full
    /// while the earlier ones wait for its fsync, few enough to stay within the sender's per-peer bound.</summary>
    const int LevelPushesPerPeerMax = 3;
    IReadOnlyList<ReplicaId>? _selfOnly;

    sealed record LevelWait(ViewAnswer Answer, ConsistencyLevel Level, DateTimeOffset Deadline);

    /// <summary>Answers waiting for their write level.</summary>
    public int LevelWaits => _levelWaits.Count;

    /// <summary>The counted answers waiting for their write level (a copy): their views are durable here already, so
    /// a host that dies now leaves them indeterminate for the client, never uncounted.</summary>
    public IReadOnlyList<ViewAnswer> LevelWaiting => [.. _levelWaits.Select(w => w.Answer)];

    /// <summary>What a level counts now, as ids: this replica, the counted peers, and the addresses of seeds not yet
    /// known by id (for checkers comparing two replicas' views of the cluster).</summary>
    public IReadOnlySet<string> LevelMemberKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal) { Id.Value };
        keys.UnionWith(_node.LevelPeers().Select(p => p.Id.Value));
        keys.UnionWith(_node.UnknownSeeds());
        return keys;
    }

    /// <summary>The earliest time a waiting write times out, or null: a host that is not ticked more often than
    /// <see cref="ReplicaOptions.LevelTimeout"/> calls <see cref="TakeReady"/> then.</summary>
    public DateTimeOffset? LevelDeadline => _levelWaits.Count == 0 ? null : _levelWaits[0].Deadline; // added in time order

    /// <summary>N, the replicas a consistency level counts now (<see cref="ReplicaNode.LevelMembers"/>).</summary>
    public int LevelMembers => _node.LevelMembers();

    /// <summary>For a read at <paramref name="level"/>: how many other replicas must answer, and whom to ask (the
    /// replicas the level counts, live ones first, then configured seeds not yet known by id). Null when the level
    /// names more replicas than this one counts.</summary>
    public ReadPlan? PlanRead(ConsistencyLevel level)
    {
        var members = _node.LevelMembers();
        var required = level.Required(members);
        if (required > members)
        {
            return null;
        }
        var peers = _node.LevelPeers();
        var addresses = peers.Where(p => p.Live).Select(p => p.Address)
            .Concat(peers.Where(p => !p.Live).Select(p => p.Address))
            .Concat(_node.UnknownSeeds()).ToList();
        return new ReadPlan(required - 1, members, addresses);
    }

    /// <summary>What this replica answers a peer's read of <paramref name="video"/>: its counter, or null when the
    /// asker belongs to another cluster (nothing of another cluster is read or merged).</summary>
    public GCounter? ReadFor(VideoId video, ClusterId? asker) => SameCluster(asker) ? _node.State.Get(video) : null;

    /// <summary>Takes a peer's answer to a read, given at <paramref name="address"/>: merges its entries into the state
    /// (read repair, appended like a gossip merge) when it comes from another replica of this cluster. Returns whether
    /// it counts towards the read level: only a replica the level counts does (a counted member, or the replica
    /// behind a seed not yet known by id). A replica this one does not count yet, such as the new replica of a lost disk
    /// answering at its old replica's address, is merged but does not count: counting it in place of the old one
    /// would let a majority read miss a majority write (the simulator found this; swarm seed 733).</summary>
    public bool TakeReadAnswer(string address, ReplicaId from, ClusterId? cluster, VideoId video, GCounter counter)
    {
        if (from == Id || !SameCluster(cluster))
        {
            return false;
        }
        if (counter.Count > 0)
        {
            var entries = new CounterMap();
            foreach (var (replica, entry) in counter.Entries)
            {
                entries.RaiseTo(video, replica, entry);
            }
            if (_node.Absorb(entries) is { } changed)
            {
                TakeMerged(changed);
            }
        }
        return _node.LevelPeers().Any(p => p.Id == from) ||
            !_node.Knows(from) && _node.UnknownSeeds().Contains(address, StringComparer.OrdinalIgnoreCase);
    }

    bool SameCluster(ClusterId? other) => other is { } id && _node.Cluster.Id is { } own && id == own;

    /// <summary>Gives an answer now, or, for a counted answer above <c>w=1</c>, once enough replicas hold it.</summary>
    void Give(ViewAnswer answer, ConsistencyLevel level)
    {
        if (answer.Status == ViewStatus.Ok && !level.IsLocal)
        {
            _levelWaits.Add(new LevelWait(answer, level, _time.GetUtcNow() + _options.LevelTimeout));
            return;
        }
        if (answer.Status == ViewStatus.Ok)
        {
            answer = answer with { Acknowledged = _selfOnly ??= [Id] };
        }
        Give(answer);
    }

    /// <summary>Releases every waiting answer whose level is met, answers those past their deadline
    /// <see cref="ViewStatus.Unconfirmed"/>, and pushes at once to the peers the others still wait for.</summary>
    void CheckLevels()
    {
        if (_levelWaits.Count == 0)
        {
            return;
        }
        var now = _time.GetUtcNow();
        var members = _node.LevelMembers();
        var peers = _node.LevelPeers();
        long pending = 0;
        for (var i = 0; i < _levelWaits.Count; i++)
        {
            var wait = _levelWaits[i];
            var required = wait.Level.Required(members);
            var holders = new List<ReplicaId>(peers.Count + 1) { Id };
            holders.AddRange(peers.Where(p => p.Acked >= wait.Answer.Version).Select(p => p.Id));
            if (holders.Count >= required)
            {
                Give(wait.Answer with { Acknowledged = holders, Required = required });
            }
            else if (now >= wait.Deadline)
            {
                Give(wait.Answer with
                {
                    Status = ViewStatus.Unconfirmed,
                    Acknowledged = holders,
                    Required = required,
                    Detail = $"{holders.Count} of the {required} replicas that w={wait.Level} needs acknowledged within {_options.LevelTimeout.TotalSeconds:0.###} s.",
                });
            }
            else
            {
                pending = Math.Max(pending, wait.Answer.Version);
                continue;
            }
            _levelWaits.RemoveAt(i--);
        }
        if (pending > 0)
        {
            PushForLevels(peers, pending);
        }
    }

    /// <summary>Answers every waiting write <see cref="ViewStatus.Unconfirmed"/> at once (the host stops).</summary>
    void ExpireLevelWaits(string detail)
    {
        var peers = _node.LevelPeers();
        var members = _node.LevelMembers();
        foreach (var wait in _levelWaits)
        {
            List<ReplicaId> holders = [Id, .. peers.Where(p => p.Acked >= wait.Answer.Version).Select(p => p.Id)];
            Give(wait.Answer with { Status = ViewStatus.Unconfirmed, Acknowledged = holders, Required = wait.Level.Required(members), Detail = detail });
        }
        _levelWaits.Clear();
    }

    /// <summary>A push to each peer that has not acknowledged <paramref name="version"/> and was not pushed this
    /// version yet, while fewer than <see cref="LevelPushesPerPeerMax"/> such pushes to it are unanswered (their
    /// answers bring the acknowledgements; each push carries everything committed up to it).</summary>
    void PushForLevels(IReadOnlyList<LevelPeer> peers, long version)
    {
        List<ReplicaId>? targets = null;
        var current = _node.State.Version;
        foreach (var peer in peers)
        {
            if (peer.Acked >= version)
            {
                continue;
            }
            var (pushed, unanswered) = _levelPushed.GetValueOrDefault(peer.Id);
            if (peer.Acked >= pushed)
            {
                unanswered = 0; // every push made so far is answered
            }
            if (pushed >= version || unanswered >= LevelPushesPerPeerMax)
            {
                continue;
            }
            _levelPushed[peer.Id] = (current, unanswered + 1);
            (targets ??= []).Add(peer.Id);
        }
        if (targets is not null)
        {
            Hold(_node.PushTo(targets));
        }
    }
}

/// <summary>How to serve a read at a level above 1: <paramref name="Others"/> other replicas must answer (merged with
/// this one's entries), out of the <paramref name="Members"/> the level counts; <paramref name="Addresses"/> are whom
/// to ask, live ones first.</summary>
public sealed record ReadPlan(int Others, int Members, IReadOnlyList<string> Addresses);
