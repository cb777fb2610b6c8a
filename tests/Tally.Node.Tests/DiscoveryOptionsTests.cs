using System.Net;

namespace Tally.Node.Tests;

/// <summary>The <c>--peers-dns</c> value and the peer URLs made from resolved addresses.</summary>
public sealed class DiscoveryOptionsTests
{
    [Theory]
    [InlineData("tally:8001", "tally", 8001)]
    [InlineData("tally.default.svc.cluster.local:1", "tally.default.svc.cluster.local", 1)]
    [InlineData("node_1:65535", "node_1", 65535)]
    public void TryParse_ReadsNameAndPort_WhenWellFormed(string text, string name, int port)
    {
        Assert.True(DnsEndpoint.TryParse(text, out var endpoint));
        Assert.Equal(new DnsEndpoint(name, port), endpoint);
    }

    [Theory]
    [InlineData("tally")]
    [InlineData("tally:")]
    [InlineData(":8001")]
    [InlineData("tally:0")]
    [InlineData("tally:65536")]
    [InlineData("tally:80a")]
    [InlineData("http://tally:8001")]
    [InlineData("tal ly:8001")]
    public void TryParse_Refuses_WhenNotNameColonPort(string text) => Assert.False(DnsEndpoint.TryParse(text, out _));

    [Theory]
    [InlineData("http", "10.1.2.3", "http://10.1.2.3:8001")]
    [InlineData("https", "fd00::5", "https://[fd00::5]:8001")]
    public void Url_BracketsIPv6_AndKeepsTheScheme(string scheme, string address, string url) =>
        Assert.Equal(url, PeerDiscovery.Url(scheme, IPAddress.Parse(address), 8001));
}
