using Tally.Crdt;

namespace Tally.Replication;

public sealed partial class ReplicaNode
{
    string[] _nameConflicts = [];

    /// <summary>Names used by more than one live replica, as of the last round, sorted ordinally. Two replicas of one
    /// name conflict when both are alive and each has shown a sign of life since this node first saw the other: two
    /// processes running with one name. A replica that is gone (the old replica of a lost disk) shows none after its
    /// successor appears, and is down soon after, so it does not conflict.</summary>
    public IReadOnlyList<string> NameConflicts => _nameConflicts;

    /// <summary>True when this node's own name is used by another live replica.</summary>
    public bool OwnNameConflict => _nameConflicts.Contains(Name, StringComparer.Ordinal);

    /// <summary>Recomputes <see cref="NameConflicts"/> (once per round: it walks the members) and returns the new set
    /// when it changed, else null.</summary>
    string[]? UpdateNameConflicts()
    {
        _ = PeerList; // brings _namesakes up to date
        if (_namesakes.Length == 0 && _nameConflicts.Length == 0)
        {
            return null; // no name is shared: nothing can conflict, and the walk below would allocate every round
        }
        var names = ConflictingReplicas(_time.GetUtcNow()).Select(r => r.Name).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToArray();
        if (names.SequenceEqual(_nameConflicts, StringComparer.Ordinal))
        {
            return null;
        }
        _nameConflicts = names;
        return names;
    }

    /// <summary>The live replicas that share their name with another live replica.</summary>
    HashSet<ReplicaId> ConflictingReplicas(DateTimeOffset now)
    {
        var result = new HashSet<ReplicaId>();
        var byName = new Dictionary<string, List<(ReplicaId Id, DateTimeOffset FirstSeen, DateTimeOffset LastAdvance)>>(StringComparer.Ordinal);
        if (!_leaving)
        {
            byName[Name] = [(Id, _started, now)];
        }
        _ = PeerList;
        foreach (var p in _namesakes)
        {
            if (p.LastAdvance is not { } advance || p.StatusAt(now, _options) is not MemberStatus.Alive)
            {
                continue;
            }
            var name = p.Id.Name;
            if (!byName.TryGetValue(name, out var list))
            {
                byName[name] = list = [];
            }
            list.Add((p.Id, p.FirstSeen, advance));
        }
        foreach (var list in byName.Values)
        {
            for (var i = 0; i < list.Count; i++)
            {
                for (var j = i + 1; j < list.Count; j++)
                {
                    if (list[i].LastAdvance > list[j].FirstSeen && list[j].LastAdvance > list[i].FirstSeen)
                    {
                        result.Add(list[i].Id);
                        result.Add(list[j].Id);
                    }
                }
            }
        }
        return result;
    }
}
