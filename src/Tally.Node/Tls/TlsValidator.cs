using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Tally.Node;

/// <summary>Checks the TLS files exist and load, and that they fit the listening scheme.</summary>
/// <remarks>Reads Node:Listen from the raw configuration, not from validated <see cref="NodeOptions"/>: a failure
/// there would otherwise hide this section's failures.</remarks>
sealed class TlsValidator(IConfiguration configuration) : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        var failures = new List<string>();
        var listenUrl = configuration[$"{NodeOptions.SectionName}:{nameof(NodeOptions.Listen)}"];
        var https = NodeAddress.TryParse(listenUrl, out var listen) && listen.Scheme == Uri.UriSchemeHttps;
        var hasCertificate = !string.IsNullOrWhiteSpace(options.CertificatePath);
        if (https && (!hasCertificate || string.IsNullOrWhiteSpace(options.KeyPath)))
        {
            failures.Add($"Tls:CertificatePath and Tls:KeyPath (--tls-cert, --tls-key) are required to listen on {listenUrl}.");
        }
        if (hasCertificate != !string.IsNullOrWhiteSpace(options.KeyPath))
        {
            failures.Add("Tls:CertificatePath (--tls-cert) and Tls:KeyPath (--tls-key) go together.");
        }
        else if (hasCertificate && !https)
        {
            failures.Add($"Tls:CertificatePath (--tls-cert) is set but Node:Listen (--listen) '{listenUrl}' is not an https URL.");
        }
        if (options.ClientCertificateRequired && (string.IsNullOrWhiteSpace(options.CaPath) || !hasCertificate))
        {
            failures.Add("Tls:ClientCertificateRequired (--tls-client-cert-required) needs Tls:CaPath (--tls-ca) and the node's own certificate (--tls-cert, --tls-key).");
        }
        if (failures.Count == 0)
        {
            try
            {
                using var material = TlsMaterial.Load(options);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                failures.Add($"TLS files (--tls-cert, --tls-key, --tls-ca) cannot be read: {e.Message}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
