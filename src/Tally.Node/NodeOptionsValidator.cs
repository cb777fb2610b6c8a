using Microsoft.Extensions.Options;
using Tally.Crdt;

namespace Tally.Node;

/// <summary>The checks DataAnnotations cannot express: id syntax, URLs, and an advertised address peers can dial.</summary>
sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.Id) && !ReplicaId.IsValidName(options.Id))
        {
            failures.Add($"Node:Id (--id) '{options.Id}' is not a valid node name: use 1-{ReplicaId.NameMaxLength} characters from [A-Za-z0-9._-], starting with a letter or digit.");
        }
        if (!string.IsNullOrEmpty(options.ClusterId) && !ClusterId.TryParse(options.ClusterId, out _))
        {
            failures.Add($"Node:ClusterId (--cluster-id) '{options.ClusterId}' is not a valid cluster id: use 1-{ClusterId.MaxLength} characters from [A-Za-z0-9._-], starting with a letter or digit.");
        }
        if (!string.IsNullOrEmpty(options.Listen))
        {
            if (!NodeAddress.TryParse(options.Listen, out var listen))
            {
                failures.Add($"Node:Listen (--listen) '{options.Listen}' is not an http(s) URL with a host and port, such as http://127.0.0.1:8001.");
            }
            else if (string.IsNullOrWhiteSpace(options.Advertise) && NodeAddress.IsWildcard(listen))
            {
                failures.Add($"Node:Advertise (--advertise) is required when listening on the wildcard address {options.Listen}: give the URL peers can reach this node at.");
            }
        }
        if (!string.IsNullOrWhiteSpace(options.Advertise) &&
            (!NodeAddress.TryParse(options.Advertise, out var advertise) || NodeAddress.IsWildcard(advertise)))
        {
            failures.Add($"Node:Advertise (--advertise) '{options.Advertise}' is not an http(s) URL with a reachable host and port.");
        }
        foreach (var peer in options.Peers)
        {
            if (!NodeAddress.TryParse(peer, out _))
            {
                failures.Add($"Node:Peers (--peers) '{peer}' is not an http(s) URL with a host and port, such as http://node2:8001.");
            }
        }
        if (options.SendTimeout < options.SendAttemptTimeout)
        {
            failures.Add("Node:SendTimeout must be at least Node:SendAttemptTimeout.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
