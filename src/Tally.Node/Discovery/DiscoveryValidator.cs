using Microsoft.Extensions.Options;

namespace Tally.Node;

/// <summary>Checks <see cref="DiscoveryOptions.PeersDns"/> is <c>NAME:PORT</c>.</summary>
sealed class DiscoveryValidator : IValidateOptions<DiscoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscoveryOptions options) =>
        string.IsNullOrWhiteSpace(options.PeersDns) || DnsEndpoint.TryParse(options.PeersDns, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Discovery:PeersDns (--peers-dns) '{options.PeersDns}' is not NAME:PORT with a DNS name and a port in 1-65535, such as tally.default.svc.cluster.local:8001.");
}
