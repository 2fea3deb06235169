namespace Alknet.Ssh.Keys;

/// <summary>
/// Key type and signature algorithm names (RFC 8709 Ed25519, RFC 5656 ECDSA, RFC 8332 RSA SHA-2,
/// PROTOCOL.certkeys for the certificate forms).
/// </summary>
public static class SshKeyAlgorithms
{
    public const string Ed25519 = "ssh-ed25519";
    public const string EcdsaNistP256 = "ecdsa-sha2-nistp256";
    public const string EcdsaNistP384 = "ecdsa-sha2-nistp384";
    public const string EcdsaNistP521 = "ecdsa-sha2-nistp521";
    /// <summary>The RSA key type. As a signature algorithm (SHA-1) it is never accepted.</summary>
    public const string Rsa = "ssh-rsa";
    public const string RsaSha256 = "rsa-sha2-256";
    public const string RsaSha512 = "rsa-sha2-512";

    public const string CertSuffix = "-cert-v01@openssh.com";
    public const string Ed25519Cert = "ssh-ed25519-cert-v01@openssh.com";
    public const string EcdsaNistP256Cert = "ecdsa-sha2-nistp256-cert-v01@openssh.com";
    public const string EcdsaNistP384Cert = "ecdsa-sha2-nistp384-cert-v01@openssh.com";
    public const string EcdsaNistP521Cert = "ecdsa-sha2-nistp521-cert-v01@openssh.com";
    public const string RsaCert = "ssh-rsa-cert-v01@openssh.com";
    public const string RsaSha256Cert = "rsa-sha2-256-cert-v01@openssh.com";
    public const string RsaSha512Cert = "rsa-sha2-512-cert-v01@openssh.com";

    /// <summary>
    /// The signature algorithm a publickey request's algorithm name implies (RFC 4252 §7, PROTOCOL.certkeys): a
    /// certificate algorithm maps to the plain signature algorithm of its inner key
    /// (rsa-sha2-256-cert-v01@openssh.com → rsa-sha2-256); plain names map to themselves.
    /// </summary>
    public static string SignatureAlgorithmOf(string publicKeyAlgorithm) =>
        publicKeyAlgorithm.EndsWith(CertSuffix, StringComparison.Ordinal)
            ? publicKeyAlgorithm[..^CertSuffix.Length]
            : publicKeyAlgorithm;

    /// <summary>
    /// Is <paramref name="publicKeyAlgorithm"/> (the algorithm name of a publickey request or a host key
    /// algorithm) one this key may be used under? rsa-sha2-256/512 for an ssh-rsa key (never SHA-1 ssh-rsa),
    /// rsa-sha2-256/512-cert-v01@openssh.com for an RSA certificate, otherwise the key's own type.
    /// </summary>
    public static bool IsAlgorithmForKey(string publicKeyAlgorithm, SshPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var names = key is SshCertificate cert ? cert.PublicKeyAlgorithms : key.SignatureAlgorithms;
        for (int i = 0; i < names.Count; i++)
            if (names[i] == publicKeyAlgorithm) return true;
        return false;
    }

    /// <summary>True for the certificate key types and certificate signature algorithm names.</summary>
    public static bool IsCertificate(string name) => name.EndsWith(CertSuffix, StringComparison.Ordinal);
}
