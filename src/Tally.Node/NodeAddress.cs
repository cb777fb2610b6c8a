namespace Tally.Node;

/// <summary>Node addresses are absolute http(s) URLs compared without a trailing slash.</summary>
static class NodeAddress
{
    public static string Normalize(string url) => url.Trim().TrimEnd('/');

    public static bool TryParse(string? url, out Uri uri)
    {
        uri = null!;
        return !string.IsNullOrWhiteSpace(url)
            && Uri.TryCreate(Normalize(url), UriKind.Absolute, out uri!)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
            && uri.Port > 0;
    }

    /// <summary>True for hosts that mean "every interface" (valid to listen on, useless for a peer to dial).</summary>
    public static bool IsWildcard(Uri uri) => uri.Host is "0.0.0.0" or "[::]" or "::" or "*" or "+";
}
