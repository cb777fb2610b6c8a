using System.Collections.Immutable;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Injected network faults, for demos and partition tests: gossip to and from the listed peers is dropped
/// here, both ways, as if the network lost it. Client requests are not affected. Set through
/// <c>POST /admin/faults</c>; an empty list heals.</summary>
public sealed class FaultSet
{
    sealed record Rules(ImmutableArray<string> Peers, ImmutableHashSet<string> Ids, ImmutableHashSet<string> Names, ImmutableHashSet<string> Addresses);

    static readonly Rules None = new([], ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty,
        ImmutableHashSet<string>.Empty.WithComparer(StringComparer.OrdinalIgnoreCase));

    volatile Rules _rules = None;

    public ImmutableArray<string> Peers => _rules.Peers;

    public bool IsEmpty => _rules.Peers.IsEmpty;

    /// <summary>Replaces the faults with drops to and from <paramref name="peers"/> (node names, replica ids or URLs),
    /// resolving each against the known <paramref name="members"/>: a name covers every replica of that name, also one
    /// that appears later (a restart with a new disk). Returns the entries that name no member, or nothing.</summary>
    public IReadOnlyList<string> Set(IReadOnlyList<string> peers, IReadOnlyList<MemberView> members)
    {
        var ids = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        var names = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        var addresses = ImmutableHashSet.CreateBuilder<string>(StringComparer.OrdinalIgnoreCase);
        var unknown = new List<string>();
        foreach (var peer in peers)
        {
            var address = NodeAddress.Normalize(peer);
            var matches = members.Where(m => !m.IsSelf &&
                (m.Id.Value == peer || m.Name == peer || string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();
            if (matches.Count > 0)
            {
                foreach (var member in matches)
                {
                    ids.Add(member.Id.Value);
                    addresses.Add(member.Address);
                    if (member.Name == peer)
                    {
                        names.Add(peer);
                    }
                }
            }
            else if (NodeAddress.TryParse(peer, out _))
            {
                addresses.Add(address); // a peer not met yet (a seed): its address is enough
            }
            else
            {
                unknown.Add(peer);
            }
        }
        if (unknown.Count == 0)
        {
            _rules = new Rules([.. peers], ids.ToImmutable(), names.ToImmutable(), addresses.ToImmutable());
        }
        return unknown;
    }

    public void Heal() => _rules = None;

    public bool BlocksAddress(string address)
    {
        var rules = _rules;
        return !rules.Addresses.IsEmpty && rules.Addresses.Contains(address);
    }

    public bool BlocksSender(MemberRecord sender)
    {
        var rules = _rules;
        return !rules.Peers.IsEmpty && (rules.Ids.Contains(sender.Id.Value) ||
            rules.Names.Contains(sender.Id.Name) || rules.Addresses.Contains(sender.Address));
    }
}
