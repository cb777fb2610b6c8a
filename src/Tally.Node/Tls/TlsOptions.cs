namespace Tally.Node;

/// <summary>HTTPS for the node's listener and its calls to peers (section <c>Tls</c>), so the cluster key and the
/// admin token never cross a network in clear text. PEM files; the node reads them once at start.</summary>
public sealed class TlsOptions
{
    public const string SectionName = "Tls";

    /// <summary>The node's certificate (PEM, may be followed by its intermediates). Required with an https
    /// <see cref="NodeOptions.Listen"/>; also the client certificate the node presents to its peers.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The certificate's private key (PEM, PKCS#8 or RSA/EC, unencrypted).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The cluster's CA (PEM, one or more certificates). When set, a peer's certificate is trusted only if it
    /// chains to one of these (the system's roots are not used), whatever name it carries: peers are dialed by the
    /// addresses DNS discovery returns, so give this CA to this cluster's nodes only. When unset, peers need a
    /// certificate the system trusts for the name they are dialed by.</summary>
    public string? CaPath { get; set; }

    /// <summary>Node-to-node routes (<c>/internal/...</c>) also require a client certificate that chains to
    /// <see cref="CaPath"/> (mutual TLS). Other routes (views, health, metrics) take clients without one; a client
    /// that presents an untrusted certificate is refused at the handshake on every route.</summary>
    public bool ClientCertificateRequired { get; set; }
}
