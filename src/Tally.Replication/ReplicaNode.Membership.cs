using System.Runtime.InteropServices;
using Tally.Crdt;

namespace Tally.Replication;

public sealed partial class ReplicaNode
{
    /// <summary>Every member ever heard of (members are never forgotten, so insertion order is deterministic).</summary>
    readonly Dictionary<ReplicaId, Peer> _peers = [];
    readonly List<string> _seeds;
    MemberRecord _self;
    ulong _membersHash;
    Peer[]? _peerList;

    /// <summary>The peers whose name another known replica (or this node) also has: the only ones name conflicts need
    /// to look at each round. Recomputed with <see cref="PeerList"/>.</summary>
    Peer[] _namesakes = [];

    /// <summary>The peers sorted by id, rebuilt only after a member is added (not each round).</summary>
    Peer[] PeerList => _peerList ??= BuildPeerList();

    Peer[] BuildPeerList()
    {
        var list = _peers.Values.ToArray();
        Array.Sort(list, static (a, b) => a.Id.CompareTo(b.Id));
        var names = new Dictionary<string, int>(list.Length + 1, StringComparer.Ordinal) { [Name] = 1 };
        foreach (var p in list)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(names, p.Id.Name, out _)++;
        }
        _namesakes = [.. list.Where(p => names[p.Id.Name] > 1)];
        return list;
    }
    bool _leaving;
    long _leaveVersion;

    public bool IsLeaving => _leaving;

    /// <summary>True once a live peer has acknowledged everything this node held when it began to leave: the host
    /// may then exit without losing a view. A node that knows no peer never completes (the host gives up after its
    /// leave timeout and keeps its data): a node without configured peers may still be another node's seed, and
    /// leaving at once would take its views with it (found by the simulator once nodes without peers took part).</summary>
    public bool LeaveComplete
    {
        get
        {
            if (!_leaving)
            {
                return false;
            }
            var now = _time.GetUtcNow();
            return _peers.Values.Any(p => p.SentAck >= _leaveVersion && p.StatusAt(now, _options) is MemberStatus.Alive or MemberStatus.Suspect);
        }
    }

    /// <summary>Graceful leave: stop taking views (the host checks <see cref="IsLeaving"/>), announce it, and push
    /// everything to every live peer each round until <see cref="LeaveComplete"/>.</summary>
    public void BeginLeave()
    {
        if (_leaving)
        {
            return;
        }
        _leaving = true;
        _leaveVersion = _state.Version;
        SetSelf(_self with { Left = true });
    }

    /// <summary>Every member this node knows, itself first, each flagged when it and another live replica share its
    /// name (<see cref="NameConflicts"/>).</summary>
    public IReadOnlyList<MemberView> Members()
    {
        var now = _time.GetUtcNow();
        var conflicting = ConflictingReplicas(now);
        var all = PeerList;
        var views = new List<MemberView>(all.Length + 1)
        {
            new(Id, Address, _leaving ? MemberStatus.Left : MemberStatus.Alive, _self.Incarnation, _self.Heartbeat,
                now, null, _state.Version, _state.Version, true, IsSelf: true) { NameConflict = conflicting.Contains(Id) },
        };
        foreach (var p in all)
        {
            views.Add(new(p.Id, p.Record.Address, p.StatusAt(now, _options), p.Record.Incarnation, p.Record.Heartbeat,
                p.LastHeard, p.LastExchange, p.SentAck, p.RecvMark, p.Synced, IsSelf: false) { NameConflict = conflicting.Contains(p.Id) });
        }
        return views;
    }

    /// <summary>Takes in a member record heard directly from the member or gossiped by another.</summary>
    Peer? Learn(MemberRecord record, bool direct)
    {
        var now = _time.GetUtcNow();
        if (record.Id == Id)
        {
            if (record.Incarnation > _self.Incarnation)
            {
                // An earlier start of ours had a greater incarnation (the clock went back): move past it.
                SetSelf(_self with { Incarnation = record.Incarnation + 1 });
                foreach (var p in _peers.Values)
                {
                    p.SentAck = 0;
                    p.DeltaSentUpTo = 0;
                    p.DeltaSentPartial = false;
                    p.MetAtVersion = _state.Version;
                    p.EntryBase = 0;
                    p.EntryCandidate = 0;
                    p.HeldAllAt = 0;
                }
            }
            return null;
        }
        if (!_peers.TryGetValue(record.Id, out var peer))
        {
            peer = new Peer(record, now) { MetAtVersion = _state.Version };
            _peers.Add(record.Id, peer);
            _peerList = null;
            _membersHash += MemberHash(record);
        }
        else if (record.Supersedes(peer.Record))
        {
            var membershipChanged = record.Incarnation != peer.Record.Incarnation || record.Left != peer.Record.Left ||
                record.Address != peer.Record.Address;
            if (record.Incarnation != peer.Record.Incarnation)
            {
                peer.Restarted(_state.Version);
            }
            if (membershipChanged)
            {
                _membersHash += MemberHash(record) - MemberHash(peer.Record);
            }
            if (record.Heartbeat != peer.Record.Heartbeat || record.Incarnation != peer.Record.Incarnation)
            {
                peer.LastAdvance = now;
            }
            peer.Record = record;
            peer.LastHeard = now;
        }
        if (direct)
        {
            peer.LastAdvance = now;
            peer.LastHeard = now;
            peer.LastExchange = now;
            if (_seeds.Count > 0)
            {
                ForgetSeed(record.Address);
            }
        }
        return peer;
    }

    /// <summary>A seed heard from directly is known by id from now on. (Its own method: a lambda capturing a parameter
    /// of <see cref="Learn"/> would allocate a closure on every call of Learn, once per member record received.)</summary>
    void ForgetSeed(string address) => _seeds.RemoveAll(s => string.Equals(s, address, StringComparison.OrdinalIgnoreCase));

    /// <summary>Peers for this round: <see cref="ReplicationOptions.Fanout"/> live ones at random (all of them while
    /// leaving), one down member as a probe, and seeds not yet known by id.</summary>
    /// <remarks>Above <see cref="ScanPeersMax"/> peers the live ones are found by drawing members at random and
    /// checking only those, so a round costs the same whatever the cluster's size; classifying every peer each round
    /// made a round of the whole cluster O(N^2) (issue 12). A down member met while drawing (or on one extra draw) is
    /// the probe, so in a large cluster each down member is still probed about once a round by someone. Too few live
    /// ones among the draws (most of the cluster down) falls back to the scan.</remarks>
    List<string> ChooseTargets(out List<Peer> peers)
    {
        var now = _time.GetUtcNow();
        var all = PeerList;
        peers = _leaving || all.Length <= ScanPeersMax ? ScanTargets(all, now) : SampleTargets(all, now) ?? ScanTargets(all, now);
        return _seeds.Count == 0 ? [] : [.. _seeds];
    }

    const int ScanPeersMax = 64;

    List<Peer> ScanTargets(Peer[] all, DateTimeOffset now)
    {
        var live = new List<Peer>(all.Length);
        var down = new List<Peer>();
        foreach (var p in all)
        {
            switch (p.StatusAt(now, _options))
            {
                case MemberStatus.Alive or MemberStatus.Suspect:
                    live.Add(p);
                    break;
                case MemberStatus.Down:
                    down.Add(p);
                    break;
            }
        }
        var count = _leaving ? live.Count : Math.Min(_options.Fanout, live.Count);
        for (var i = 0; i < count; i++)
        {
            var j = _random.Next(i, live.Count);
            (live[i], live[j]) = (live[j], live[i]);
        }
        var peers = live.GetRange(0, count);
        if (down.Count > 0)
        {
            peers.Add(down[_random.Next(down.Count)]);
        }
        return peers;
    }

    List<Peer>? SampleTargets(Peer[] all, DateTimeOffset now)
    {
        var fanout = _options.Fanout;
        var peers = new List<Peer>(fanout + 1);
        Peer? probe = null;
        for (var draw = 0; draw < 4 * fanout + 4 && peers.Count < fanout; draw++)
        {
            var p = all[_random.Next(all.Length)];
            switch (p.StatusAt(now, _options))
            {
                case MemberStatus.Alive or MemberStatus.Suspect when !peers.Contains(p):
                    peers.Add(p);
                    break;
                case MemberStatus.Down:
                    probe ??= p;
                    break;
            }
        }
        if (peers.Count < fanout)
        {
            return null;
        }
        if (probe is null && all[_random.Next(all.Length)] is var extra && extra.StatusAt(now, _options) == MemberStatus.Down)
        {
            probe = extra;
        }
        if (probe is not null)
        {
            peers.Add(probe);
        }
        return peers;
    }

    /// <summary>The sender's own record, then a random sample of others; or everyone, to a seed we do not know yet and
    /// in an answer to a peer whose membership hash (just received with its message) differs from ours.</summary>
    /// <remarks>Pushes send a sample even when the hash we last heard from the target differs: in a large cluster that
    /// hash is rounds or minutes old (a node hears from each of N peers about every N/2 rounds), so after any join or
    /// restart it "differs" for nearly every peer and half of all messages carried the whole table. The target answers
    /// a push with its whole table if the hashes still differ, so tables still spread, pull-wise.</remarks>
    (IReadOnlyList<MemberRecord> Records, bool Complete) MembersFor(Peer? target, bool answering)
    {
        if (target is null || answering && target.MembersHash != _membersHash)
        {
            return ([_self, .. PeerList.Select(p => p.Record)], true);
        }
        var sample = new List<MemberRecord>(_options.MemberSampleMax + 1) { _self };
        var all = PeerList;
        for (var i = 0; i < _options.MemberSampleMax && all.Length > 1; i++)
        {
            var record = all[_random.Next(all.Length)].Record;
            if (record.Id != target.Id && !ContainsReference(sample, record))
            {
                sample.Add(record);
            }
        }
        return (sample, false);
    }

    /// <summary>A record drawn twice is the same object (a peer's current record), so identity finds it; the record's
    /// value equality compared every field, strings included, for each pair.</summary>
    static bool ContainsReference(List<MemberRecord> records, MemberRecord record)
    {
        foreach (var r in records)
        {
            if (ReferenceEquals(r, record))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Hash of who is in the cluster (ids, addresses, incarnations, left), not of heartbeats, so it only
    /// changes on joins, restarts and leaves. It is a sum of per-record hashes, so <see cref="Learn"/> keeps
    /// <c>_membersHash</c> up to date in O(1) per change; recomputing it on every new member cost O(members) each,
    /// O(members^2) for a node joining a large cluster.</summary>
    internal ulong ComputeMembersHash()
    {
        var hash = MemberHash(_self);
        foreach (var p in _peers.Values)
        {
            hash += MemberHash(p.Record);
        }
        return hash;
    }

    /// <summary>The membership hash as maintained incrementally (equal to <see cref="ComputeMembersHash"/>).</summary>
    internal ulong MembersHash => _membersHash;

    static ulong MemberHash(MemberRecord r) =>
        StableHash.Mix(StableHash.Of(r.Id.Value) ^ StableHash.Of(r.Address) * 31 ^ (ulong)r.Incarnation * 0x9e3779b97f4a7c15UL ^ (r.Left ? 1UL : 0UL));

    void SetSelf(MemberRecord self)
    {
        _membersHash += MemberHash(self) - MemberHash(_self);
        _self = self;
    }
}
