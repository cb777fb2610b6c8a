using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Tally.Node;

/// <summary>Resolves <see cref="DiscoveryOptions.PeersDns"/> into peer URLs with <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>,
/// leaving out this machine's own addresses. The host feeds the result to the core
/// (<see cref="Replication.ReplicaNode.ReplaceSeeds"/>); the core never resolves anything itself.</summary>
public sealed partial class PeerDiscovery(IOptions<DiscoveryOptions> options, IOptions<NodeOptions> nodeOptions, ILogger<PeerDiscovery> logger)
{
    readonly DnsEndpoint? _endpoint = DnsEndpoint.TryParse(options.Value.PeersDns, out var endpoint) ? endpoint : null;
    readonly string _scheme = NodeAddress.TryParse(nodeOptions.Value.Listen, out var listen) ? listen.Scheme : Uri.UriSchemeHttp;

    public bool Enabled => _endpoint is not null;

    /// <summary>The configured peers and, with DNS discovery, the URL of every address the name has now. A failed
    /// resolution (the name does not exist yet, DNS is down) gives only the configured peers and is logged.</summary>
    public async Task<IReadOnlyList<string>> SeedsAsync(CancellationToken ct)
    {
        var seeds = nodeOptions.Value.Peers.Select(NodeAddress.Normalize).ToList();
        if (_endpoint is not { } dns)
        {
            return seeds;
        }
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(dns.Name, ct).ConfigureAwait(false);
            var own = OwnAddresses();
            foreach (var address in addresses.Where(a => !own.Contains(a)).Take(options.Value.AddressesMax))
            {
                seeds.Add(Url(_scheme, address, dns.Port));
            }
        }
        catch (SocketException e)
        {
            Log.Unresolved(logger, dns.Name, e.SocketErrorCode.ToString());
        }
        return seeds;
    }

    /// <summary><c>scheme://address:port</c>, with an IPv6 address in brackets.</summary>
    internal static string Url(string scheme, IPAddress address, int port) =>
        new UriBuilder(scheme, address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString(), port)
            .Uri.ToString().TrimEnd('/');

    /// <summary>This machine's addresses as the name resolves them here (a container's or pod's host name maps to its
    /// own address), the first IPv4 one first; empty if the host name does not resolve.</summary>
    internal static IPAddress[] HostNameAddresses()
    {
        try
        {
            return [.. Dns.GetHostAddresses(Dns.GetHostName())
                .Where(a => !IPAddress.IsLoopback(a))
                .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)];
        }
        catch (SocketException)
        {
            return [];
        }
    }

    static HashSet<IPAddress> OwnAddresses() =>
        [.. NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(u => u.Address)];

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Peer discovery could not resolve {Name}: {Error}; trying again")]
        public static partial void Unresolved(ILogger logger, string name, string error);
    }
}
