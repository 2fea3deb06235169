using System.Numerics;
using System.Security.Cryptography;

namespace Alknet.Ssh.Transport.KeyExchange;

/// <summary>
/// RFC 8268 §3 / RFC 9142 diffie-hellman-group14-sha256 over the RFC 3526 §3 2048-bit MODP group, generator 2.
/// RFC 4253 §8: e and f must lie in [1, p-1]; we require 1 &lt; value &lt; p-1 to refuse the degenerate values.
/// </summary>
internal sealed class DiffieHellmanGroup14KeyExchange : KeyExchangeMethod
{
    private const string PrimeHex =
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
        "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
        "15728E5A8AACAA68FFFFFFFFFFFFFFFF";

    private static readonly BigInteger P = BigInteger.Parse("0" + PrimeHex, System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger G = 2;
    private BigInteger _x;

    public override HashAlgorithmName Hash => HashAlgorithmName.SHA256;

    public override bool UsesMpintEphemerals => true;

    public override byte[] CreateClientEphemeral() => GeneratePublic();

    public override byte[] ClientComputeSecret(ReadOnlySpan<byte> serverEphemeral) => Agree(serverEphemeral);

    public override byte[] ServerRespond(ReadOnlySpan<byte> clientEphemeral, out byte[] sharedSecret)
    {
        var f = GeneratePublic();
        sharedSecret = Agree(clientEphemeral);
        return f;
    }

    private byte[] GeneratePublic()
    {
        // A 512-bit exponent gives well over the 2x112-bit strength RFC 8268 asks of group14.
        Span<byte> random = stackalloc byte[64];
        RandomNumberGenerator.Fill(random);
        _x = new BigInteger(random, isUnsigned: true, isBigEndian: true) | BigInteger.One;
        CryptographicOperations.ZeroMemory(random);
        return BigInteger.ModPow(G, _x, P).ToByteArray(isUnsigned: true, isBigEndian: true);
    }

    private byte[] Agree(ReadOnlySpan<byte> peer)
    {
        var y = new BigInteger(peer, isUnsigned: true, isBigEndian: true);
        if (y <= BigInteger.One || y >= P - BigInteger.One)
            SshProtocolException.Throw(SshDisconnectReason.KeyExchangeFailed, "Diffie-Hellman public value out of range");
        return BigInteger.ModPow(y, _x, P).ToByteArray(isUnsigned: true, isBigEndian: true);
    }
}
