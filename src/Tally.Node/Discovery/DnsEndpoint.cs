using System.Globalization;

namespace Tally.Node;

/// <summary>A DNS name and a port written <c>NAME:PORT</c> (the value of <c>--peers-dns</c>).</summary>
readonly record struct DnsEndpoint(string Name, int Port)
{
    /// <summary>False unless <paramref name="text"/> is a host name (letters, digits, dots, dashes, underscores) and a
    /// port in 1-65535.</summary>
    public static bool TryParse(string? text, out DnsEndpoint endpoint)
    {
        endpoint = default;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (text is null || colon <= 0 ||
            !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }
        var name = text[..colon];
        if (Uri.CheckHostName(name) != UriHostNameType.Dns || name.Length > 253)
        {
            return false;
        }
        endpoint = new DnsEndpoint(name, port);
        return true;
    }
}
