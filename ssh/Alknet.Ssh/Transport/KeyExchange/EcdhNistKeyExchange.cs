using System.Security.Cryptography;

namespace Alknet.Ssh.Transport.KeyExchange;

/// <summary>
/// RFC 5656 §4 ecdh-sha2-nistp256/384/521: Q is the uncompressed point 04 ‖ X ‖ Y (SEC1 §2.3.3); K is the x
/// coordinate of the shared point as an mpint. Points are imported through the platform, which refuses points that
/// are not on the curve (RFC 5656 §4 requires that check).
/// </summary>
internal sealed class EcdhNistKeyExchange : KeyExchangeMethod
{
    private readonly ECCurve _curve;
    private readonly int _coordinateLength;
    private readonly ECDiffieHellman _ecdh;

    public EcdhNistKeyExchange(ECCurve curve, HashAlgorithmName hash, int coordinateLength)
    {
        _curve = curve;
        Hash = hash;
        _coordinateLength = coordinateLength;
        _ecdh = ECDiffieHellman.Create(curve);
    }

    public override HashAlgorithmName Hash { get; }

    public override byte[] CreateClientEphemeral() => EncodePoint(_ecdh.ExportParameters(false).Q);

    public override byte[] ClientComputeSecret(ReadOnlySpan<byte> serverEphemeral) => Agree(serverEphemeral);

    public override byte[] ServerRespond(ReadOnlySpan<byte> clientEphemeral, out byte[] sharedSecret)
    {
        sharedSecret = Agree(clientEphemeral);
        return EncodePoint(_ecdh.ExportParameters(false).Q);
    }

    private byte[] EncodePoint(ECPoint q)
    {
        var encoded = new byte[1 + 2 * _coordinateLength];
        encoded[0] = 4;
        q.X!.CopyTo(encoded, 1 + _coordinateLength - q.X!.Length);
        q.Y!.CopyTo(encoded, 1 + 2 * _coordinateLength - q.Y!.Length);
        return encoded;
    }

    private byte[] Agree(ReadOnlySpan<byte> peer)
    {
        if (peer.Length != 1 + 2 * _coordinateLength || peer[0] != 4)
            SshProtocolException.Throw(SshDisconnectReason.KeyExchangeFailed, "ECDH public key is not an uncompressed point");
        var parameters = new ECParameters
        {
            Curve = _curve,
            Q = new ECPoint
            {
                X = peer.Slice(1, _coordinateLength).ToArray(),
                Y = peer.Slice(1 + _coordinateLength, _coordinateLength).ToArray(),
            },
        };
        try
        {
            using var peerKey = ECDiffieHellman.Create(parameters);
            return _ecdh.DeriveRawSecretAgreement(peerKey.PublicKey);
        }
        catch (CryptographicException e)
        {
            throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "ECDH public key is not a valid curve point", e);
        }
    }

    public override void Dispose()
    {
        _ecdh.Dispose();
        base.Dispose();
    }
}
