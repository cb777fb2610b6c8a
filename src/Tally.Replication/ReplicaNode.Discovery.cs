namespace Tally.Replication;

public sealed partial class ReplicaNode
{
    /// <summary>Replaces the seeds (addresses to push to until a member answers from them) with
    /// <paramref name="addresses"/>: what the host currently knows, e.g. the configured peers and every address a DNS
    /// name resolves to now. Addresses of this node and of members already known are left out, so a resolved address
    /// stops being a seed once its member has answered; one that is no longer resolved (a pod that went away) is
    /// dropped, so the node stops pushing to it and does not wait for it to finish recovering.</summary>
    public void ReplaceSeeds(IEnumerable<string> addresses)
    {
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Address };
        foreach (var peer in _peers.Values)
        {
            known.Add(peer.Record.Address);
        }
        _seeds.Clear();
        foreach (var address in addresses)
        {
            if (known.Add(address))
            {
                _seeds.Add(address);
            }
        }
    }
}
