using System.Security.Cryptography;

namespace Alknet.Ssh.Transport.KeyExchange;

/// <summary>
/// One ephemeral key agreement (RFC 4253 §8, RFC 5656 §4, RFC 8731 §3). The client calls
/// <see cref="CreateClientEphemeral"/> then <see cref="ClientComputeSecret"/>; the server calls
/// <see cref="ServerRespond"/>. The shared secret K is returned as an unsigned big-endian magnitude.
/// </summary>
internal abstract class KeyExchangeMethod : IDisposable
{
    public abstract HashAlgorithmName Hash { get; }

    /// <summary>
    /// True for classic Diffie-Hellman: e and f travel (and are hashed) as mpints in KEXDH_INIT/REPLY; ECDH-style
    /// methods hash Q_C and Q_S as strings.
    /// </summary>
    public virtual bool UsesMpintEphemerals => false;

    public abstract byte[] CreateClientEphemeral();

    public abstract byte[] ClientComputeSecret(ReadOnlySpan<byte> serverEphemeral);

    public abstract byte[] ServerRespond(ReadOnlySpan<byte> clientEphemeral, out byte[] sharedSecret);

    public virtual void Dispose()
    {
    }

    public static KeyExchangeMethod Create(string name) => name switch
    {
        SshAlgorithmNames.Curve25519Sha256 or SshAlgorithmNames.Curve25519Sha256LibSsh => new Curve25519KeyExchange(),
        SshAlgorithmNames.EcdhNistP256 => new EcdhNistKeyExchange(ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256, 32),
        SshAlgorithmNames.EcdhNistP384 => new EcdhNistKeyExchange(ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384, 48),
        SshAlgorithmNames.EcdhNistP521 => new EcdhNistKeyExchange(ECCurve.NamedCurves.nistP521, HashAlgorithmName.SHA512, 66),
        SshAlgorithmNames.DhGroup14Sha256 => new DiffieHellmanGroup14KeyExchange(),
        _ => throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "unsupported key exchange " + name),
    };
}
