using Microsoft.Extensions.Options;

namespace Tally.Node;

/// <summary>With DNS discovery, a node listening on a wildcard address and given no <see cref="NodeOptions.Advertise"/>
/// advertises the address its host name resolves to (a container's or pod's own address), on the listening port:
/// the form in which the other nodes find it through DNS, so a resolved seed and the member it is are one address.</summary>
/// <remarks>Reads Discovery:PeersDns from the raw configuration: an invalid Discovery section must be reported as such,
/// not fail the NodeOptions section too.</remarks>
sealed class AdvertiseFromHostName(IConfiguration configuration) : IPostConfigureOptions<NodeOptions>
{
    public void PostConfigure(string? name, NodeOptions options)
    {
        if (string.IsNullOrWhiteSpace(configuration[$"{DiscoveryOptions.SectionName}:{nameof(DiscoveryOptions.PeersDns)}"]) || !string.IsNullOrWhiteSpace(options.Advertise) ||
            !NodeAddress.TryParse(options.Listen, out var listen) || !NodeAddress.IsWildcard(listen))
        {
            return;
        }
        if (PeerDiscovery.HostNameAddresses() is [var own, ..])
        {
            options.Advertise = PeerDiscovery.Url(listen.Scheme, own, listen.Port);
        }
    }
}
