using System.Security.Cryptography;
using Alknet.Ssh.Crypto;

namespace Alknet.Ssh.Transport.KeyExchange;

/// <summary>
/// RFC 8731 curve25519-sha256 (and the identical curve25519-sha256@libssh.org): X25519 public keys of 32 bytes,
/// K = the X25519 output read as an unsigned big-endian number; an all-zero output is rejected (§3).
/// </summary>
internal sealed class Curve25519KeyExchange : KeyExchangeMethod
{
    private const int KeySize = 32;
    private readonly byte[] _private = new byte[KeySize];

    public override HashAlgorithmName Hash => HashAlgorithmName.SHA256;

    public override byte[] CreateClientEphemeral()
    {
        var pub = new byte[KeySize];
        LibCrypto.X25519GenerateKeyPair(_private, pub);
        return pub;
    }

    public override byte[] ClientComputeSecret(ReadOnlySpan<byte> serverEphemeral) => Agree(serverEphemeral);

    public override byte[] ServerRespond(ReadOnlySpan<byte> clientEphemeral, out byte[] sharedSecret)
    {
        var pub = new byte[KeySize];
        LibCrypto.X25519GenerateKeyPair(_private, pub);
        sharedSecret = Agree(clientEphemeral);
        return pub;
    }

    private byte[] Agree(ReadOnlySpan<byte> peer)
    {
        if (peer.Length != KeySize)
            SshProtocolException.Throw(SshDisconnectReason.KeyExchangeFailed, "curve25519 public key is not 32 bytes");
        var secret = new byte[KeySize];
        if (!LibCrypto.X25519(_private, peer, secret))
            SshProtocolException.Throw(SshDisconnectReason.KeyExchangeFailed, "curve25519 shared secret is zero");
        return secret;
    }

    public override void Dispose()
    {
        CryptographicOperations.ZeroMemory(_private);
        base.Dispose();
    }
}
