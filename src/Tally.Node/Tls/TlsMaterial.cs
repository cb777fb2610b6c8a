using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Tally.Node;

/// <summary>The node's certificate and the cluster's CA, loaded from <see cref="TlsOptions"/>, and the one trust rule
/// both directions use: a peer's certificate must chain to the CA.</summary>
sealed class TlsMaterial : IDisposable
{
    TlsMaterial(X509Certificate2? certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        Authorities = authorities;
    }

    /// <summary>This node's certificate with its private key, or null without TLS.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The cluster's CA certificates; empty: the system's roots.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <exception cref="System.Security.Cryptography.CryptographicException">A file is not a PEM certificate or key.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static TlsMaterial Load(TlsOptions options)
    {
        X509Certificate2? certificate = null;
        if (!string.IsNullOrWhiteSpace(options.CertificatePath) && !string.IsNullOrWhiteSpace(options.KeyPath))
        {
            using var pem = X509Certificate2.CreateFromPemFile(options.CertificatePath, options.KeyPath);
            // Re-imported so the key is usable by the TLS stack on every platform (an ephemeral PEM key is not on some).
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        var authorities = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(options.CaPath))
        {
            authorities.ImportFromPemFile(options.CaPath);
            if (authorities.Count == 0)
            {
                throw new System.Security.Cryptography.CryptographicException($"{options.CaPath} holds no PEM certificate.");
            }
        }
        return new TlsMaterial(certificate, authorities);
    }

    /// <summary>True if <paramref name="certificate"/> chains to <see cref="Authorities"/> (any name), or, without a
    /// CA, if the platform found no error (<paramref name="errors"/>).</summary>
    public bool Trusts(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (Authorities.Count == 0)
        {
            return errors == SslPolicyErrors.None;
        }
        if (certificate is null)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a private CA publishes no revocation lists
        if (certificate is X509Certificate2 full)
        {
            return chain.Build(full);
        }
        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(copy);
    }

    public void Dispose()
    {
        Certificate?.Dispose();
        foreach (var authority in Authorities)
        {
            authority.Dispose();
        }
    }
}
