using Tally.Crdt;

namespace Tally.Replication;

/// <summary>A replica a consistency level counts, other than this one.</summary>
/// <param name="Acked">Our version (this incarnation) up to which it acknowledged holding all our changes durably.</param>
/// <param name="Live">Alive or suspect (not down) as this node sees it now.</param>
public readonly record struct LevelPeer(ReplicaId Id, string Address, long Acked, bool Live);

public sealed partial class ReplicaNode
{
    /// <summary>N, the replicas a consistency level counts: this one, every known member that has not left and is not
    /// superseded (down, while a replica of its name with a greater incarnation has not left: the old replica of a
    /// lost disk, whose process is gone for good), and every configured seed whose address no known member has (a
    /// restarted node counts its peers before it has heard from them, so a level never shrinks to itself).</summary>
    public int LevelMembers()
    {
        var count = 1;
        var now = _time.GetUtcNow();
        var newest = NewestByName();
        foreach (var p in _peers.Values)
        {
            if (Counts(p, now, newest))
            {
                count++;
            }
        }
        return count + UnknownSeeds().Count;
    }

    /// <summary>The peers a level counts (see <see cref="LevelMembers"/>), with what each acknowledged.</summary>
    public IReadOnlyList<LevelPeer> LevelPeers()
    {
        var now = _time.GetUtcNow();
        var newest = NewestByName();
        var peers = new List<LevelPeer>(_peers.Count);
        foreach (var p in _peers.Values)
        {
            if (Counts(p, now, newest))
            {
                peers.Add(new LevelPeer(p.Id, p.Record.Address, p.SentAck, p.StatusAt(now, _options) != MemberStatus.Down));
            }
        }
        return peers;
    }

    /// <summary>True when <paramref name="id"/> is a member this node knows (in any status).</summary>
    public bool Knows(ReplicaId id) => _peers.ContainsKey(id);

    /// <summary>Configured seeds not yet known by id and whose address no known member has.</summary>
    public IReadOnlyList<string> UnknownSeeds()
    {
        if (_seeds.Count == 0)
        {
            return [];
        }
        var known = new HashSet<string>(_peers.Values.Select(p => p.Record.Address), StringComparer.OrdinalIgnoreCase);
        return [.. _seeds.Where(s => !known.Contains(s))];
    }

    /// <summary>Pushes our changes now to the given peers (by id), outside the rounds: a write waiting for its level
    /// asks for acknowledgements at once instead of at the next round. Changes no round or heartbeat.</summary>
    public Effects PushTo(IEnumerable<ReplicaId> ids)
    {
        var messages = new List<Outgoing>();
        foreach (var id in ids)
        {
            if (_peers.TryGetValue(id, out var peer) && !peer.Record.Left)
            {
                messages.Add(new(peer.Record.Address, Build(peer, GossipKind.Push, includeRoot: false, answering: false)));
            }
        }
        Stats.MessagesOut += messages.Count;
        return new Effects(messages, null);
    }

    /// <summary>Merges entries another replica answered for a read (read repair). Returns what changed (every entry
    /// of each changed video, for the host to append like a gossip merge), or null.</summary>
    public CounterMap? Absorb(CounterMap entries)
    {
        var mark = _state.Version;
        _state.Merge(entries);
        return _state.Version > mark && _state.TryGetDeltaSince(mark, int.MaxValue, out var delta) ? delta : null;
    }

    Dictionary<string, long> NewestByName()
    {
        var newest = new Dictionary<string, long>(StringComparer.Ordinal) { [Name] = _self.Incarnation };
        foreach (var p in _peers.Values)
        {
            if (!p.Record.Left && (!newest.TryGetValue(p.Id.Name, out var n) || p.Record.Incarnation > n))
            {
                newest[p.Id.Name] = p.Record.Incarnation;
            }
        }
        return newest;
    }

    bool Counts(Peer p, DateTimeOffset now, Dictionary<string, long> newest)
    {
        if (p.Record.Left)
        {
            return false;
        }
        return p.StatusAt(now, _options) != MemberStatus.Down || newest[p.Id.Name] <= p.Record.Incarnation;
    }
}
