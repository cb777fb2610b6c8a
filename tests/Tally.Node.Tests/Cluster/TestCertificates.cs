using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tally.Node.Tests.Cluster;

/// <summary>A throwaway certificate authority made with .NET's <see cref="CertificateRequest"/>, writing PEM files
/// the way an operator would give them to <c>tally node --tls-cert/--tls-key/--tls-ca</c>.</summary>
sealed class TestCertificates : IDisposable
{
    readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    readonly string _directory;

    public TestCertificates(string name, string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CaPath = Path.Combine(directory, $"{name}-ca.pem");
        File.WriteAllText(CaPath, Authority.ExportCertificatePem());
    }

    public X509Certificate2 Authority { get; }

    public string CaPath { get; }

    /// <summary>Issues a server-and-client certificate for 127.0.0.1 and localhost; returns the PEM paths.</summary>
    public (string Certificate, string Key) Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        using var issued = request.Create(Authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7),
            RandomNumberGenerator.GetBytes(16));
        var certificate = Path.Combine(_directory, $"{name}.pem");
        var keyPath = Path.Combine(_directory, $"{name}-key.pem");
        File.WriteAllText(certificate, issued.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificate, keyPath);
    }

    /// <summary>The issued certificate with its key, for a test client.</summary>
    public static X509Certificate2 Load((string Certificate, string Key) files) =>
        X509Certificate2.CreateFromPemFile(files.Certificate, files.Key);

    public void Dispose()
    {
        Authority.Dispose();
        _key.Dispose();
    }
}
