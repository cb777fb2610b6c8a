using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Tally.Node;

/// <summary>A shared secret presented as <c>Authorization: Bearer &lt;secret&gt;</c>.</summary>
public sealed class BearerSecretOptions : AuthenticationSchemeOptions
{
    byte[] _secretHash = [];

    /// <summary>What the 401 answer tells the caller it is missing.</summary>
    public string ChallengeDetail { get; set; } = "This route requires a bearer token.";

    public void SetSecret(string secret) => _secretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Compares hashes in constant time, so neither the secret's content nor its length leaks.</summary>
    public bool Matches(ReadOnlySpan<char> presented)
    {
        if (_secretHash.Length == 0)
        {
            return false;
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(presented.ToString());
        SHA256.HashData(bytes, hash);
        return CryptographicOperations.FixedTimeEquals(hash, _secretHash);
    }
}

/// <summary>Authenticates a request whose bearer token matches the scheme's secret (the cluster key for peer routes,
/// the admin token for admin routes); anything else is answered 401 with ProblemDetails.</summary>
public sealed class BearerSecretHandler(
    IOptionsMonitor<BearerSecretOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IProblemDetailsService problemDetails) : AuthenticationHandler<BearerSecretOptions>(options, loggerFactory, encoder)
{
    const string Prefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!Options.Matches(header.AsSpan(Prefix.Length).Trim()))
        {
            return Task.FromResult(AuthenticateResult.Fail("The bearer token does not match."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, Scheme.Name)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized", Detail = Options.ChallengeDetail },
        }).ConfigureAwait(false);
    }
}

/// <summary>The two secrets and the policies that require them.</summary>
public static class NodeAuth
{
    public const string PeerScheme = "ClusterKey";
    public const string AdminScheme = "AdminToken";
    public const string PeerPolicy = "Peer";
    public const string AdminPolicy = "Admin";

    public static IServiceCollection AddNodeAuth(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<BearerSecretOptions, BearerSecretHandler>(PeerScheme, null)
            .AddScheme<BearerSecretOptions, BearerSecretHandler>(AdminScheme, null);
        services.AddOptions<BearerSecretOptions>(PeerScheme).Configure<IOptions<NodeOptions>>((o, node) =>
        {
            o.SetSecret(node.Value.ClusterKey);
            o.ChallengeDetail = "Node-to-node routes require the cluster key: 'Authorization: Bearer <cluster key>'.";
        });
        services.AddOptions<BearerSecretOptions>(AdminScheme).Configure<IOptions<NodeOptions>>((o, node) =>
        {
            o.SetSecret(node.Value.AdminToken);
            o.ChallengeDetail = "Admin routes require the admin token: 'Authorization: Bearer <admin token>'.";
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(PeerPolicy, p => p.AddAuthenticationSchemes(PeerScheme).RequireAuthenticatedUser()
                .RequireAssertion(c => c.Resource is not HttpContext http || TlsSetup.HasRequiredClientCertificate(http)))
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(AdminScheme).RequireAuthenticatedUser());
        return services;
    }
}
