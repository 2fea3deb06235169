using Alknet.Ssh.Crypto;
using Alknet.Ssh.Keys;

namespace Alknet.Ssh.Transport;

/// <summary>Key exchange names (RFC 8731, RFC 5656 §6.3, RFC 9142/8268) and the KEXINIT marker pseudo-algorithms.</summary>
public static class SshAlgorithmNames
{
    public const string Curve25519Sha256 = "curve25519-sha256";
    public const string Curve25519Sha256LibSsh = "curve25519-sha256@libssh.org";
    public const string EcdhNistP256 = "ecdh-sha2-nistp256";
    public const string EcdhNistP384 = "ecdh-sha2-nistp384";
    public const string EcdhNistP521 = "ecdh-sha2-nistp521";
    public const string DhGroup14Sha256 = "diffie-hellman-group14-sha256";

    /// <summary>RFC 8308 §2.1: the client announces it accepts EXT_INFO.</summary>
    public const string ExtInfoClient = "ext-info-c";
    /// <summary>RFC 8308 §2.1: the server announces it accepts EXT_INFO.</summary>
    public const string ExtInfoServer = "ext-info-s";
    /// <summary>OpenSSH PROTOCOL §1.10, strict key exchange (Terrapin countermeasure).</summary>
    public const string StrictKexClient = "kex-strict-c-v00@openssh.com";
    public const string StrictKexServer = "kex-strict-s-v00@openssh.com";

    /// <summary>Key exchange methods in default preference order (group14 last, as RFC 9142 suggests).</summary>
    public static IReadOnlyList<string> SupportedKeyExchange { get; } =
        [Curve25519Sha256, Curve25519Sha256LibSsh, EcdhNistP256, EcdhNistP384, EcdhNistP521, DhGroup14Sha256];

    /// <summary>Host key signature algorithms in default client preference order.</summary>
    public static IReadOnlyList<string> SupportedHostKeyAlgorithms { get; } =
    [
        SshKeyAlgorithms.Ed25519, SshKeyAlgorithms.EcdsaNistP256, SshKeyAlgorithms.EcdsaNistP384, SshKeyAlgorithms.EcdsaNistP521,
        SshKeyAlgorithms.RsaSha512, SshKeyAlgorithms.RsaSha256,
    ];

    /// <summary>Public key algorithms accepted for user authentication (ssh-rsa with SHA-1 is not).</summary>
    public static IReadOnlyList<string> SupportedUserAuthAlgorithms { get; } =
    [
        SshKeyAlgorithms.Ed25519, SshKeyAlgorithms.EcdsaNistP256, SshKeyAlgorithms.EcdsaNistP384, SshKeyAlgorithms.EcdsaNistP521,
        SshKeyAlgorithms.RsaSha512, SshKeyAlgorithms.RsaSha256,
        SshKeyAlgorithms.Ed25519Cert, SshKeyAlgorithms.EcdsaNistP256Cert, SshKeyAlgorithms.EcdsaNistP384Cert, SshKeyAlgorithms.EcdsaNistP521Cert,
        SshKeyAlgorithms.RsaSha512Cert, SshKeyAlgorithms.RsaSha256Cert,
    ];

    public static IReadOnlyList<string> SupportedCiphers => PacketCiphers.SupportedCiphers;
    public static IReadOnlyList<string> SupportedMacs => PacketCiphers.SupportedMacs;
}
