using System.ComponentModel.DataAnnotations;

namespace Tally.Node;

/// <summary>Finding peers by DNS (section <c>Discovery</c>): every address a name resolves to, resolved again every
/// <see cref="Interval"/>, as a Kubernetes headless Service or a scaled compose service provides.</summary>
public sealed class DiscoveryOptions
{
    public const string SectionName = "Discovery";

    /// <summary><c>NAME:PORT</c>, e.g. <c>tally.default.svc.cluster.local:8001</c> or <c>node:8001</c>: each address
    /// of NAME becomes the peer <c>{scheme}://{address}:PORT</c>, with the scheme of <see cref="NodeOptions.Listen"/>.
    /// Empty: no DNS discovery.</summary>
    public string? PeersDns { get; set; }

    /// <summary>Time between two resolutions of <see cref="PeersDns"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most addresses taken from one resolution (the rest are ignored until a later one).</summary>
    [Range(1, 10_000)]
    public int AddressesMax { get; set; } = 1000;
}
