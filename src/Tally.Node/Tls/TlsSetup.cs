using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace Tally.Node;

/// <summary>Wires <see cref="TlsOptions"/> into Kestrel (the listener's certificate, client certificates checked
/// against the CA) and into the client that sends gossip (the CA check of the peer, the node's own certificate).</summary>
static class TlsSetup
{
    public static IServiceCollection AddNodeTls(this IServiceCollection services)
    {
        services.AddOptions<TlsOptions>().BindConfiguration(TlsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TlsOptions>, TlsValidator>();
        services.AddSingleton(sp => TlsMaterial.Load(sp.GetRequiredService<IOptions<TlsOptions>>().Value));
        // Resolved when the server starts, after NodeApp.Build validated every options section.
        services.AddOptions<KestrelServerOptions>().Configure<IServiceProvider>((kestrel, sp) => kestrel.ConfigureHttpsDefaults(https =>
        {
            var material = sp.GetRequiredService<TlsMaterial>();
            if (material.Certificate is { } certificate)
            {
                https.ServerCertificate = certificate;
            }
            // Asked for, not demanded: health probes, metrics scrapers and API clients have none. Peers present theirs,
            // and the peer policy requires it when Tls:ClientCertificateRequired is set.
            https.ClientCertificateMode = material.Authorities.Count > 0 ? ClientCertificateMode.AllowCertificate : ClientCertificateMode.NoCertificate;
            https.ClientCertificateValidation = (presented, _, errors) => material.Trusts(presented, errors);
            https.CheckCertificateRevocation = false;
        }));
        return services;
    }

    /// <summary>The TLS side of a handler that calls peers: their certificate must chain to the CA, and ours goes along.</summary>
    public static SocketsHttpHandler WithNodeTls(this SocketsHttpHandler handler, TlsMaterial material)
    {
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => material.Trusts(certificate, errors),
            ClientCertificates = material.Certificate is { } own ? new X509CertificateCollection { own } : null,
        };
        return handler;
    }

    /// <summary>True unless mutual TLS is on and the request came without a (valid: Kestrel refused any other) client
    /// certificate.</summary>
    public static bool HasRequiredClientCertificate(HttpContext context) =>
        !context.RequestServices.GetRequiredService<IOptions<TlsOptions>>().Value.ClientCertificateRequired ||
        context.Connection.ClientCertificate is not null;
}
