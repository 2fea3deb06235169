using System.Security.Cryptography;
using Alknet.Ssh.Crypto;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>
/// An Ed25519 private key (RFC 8032 seed). In PROTOCOL.key its private fields are <c>string pk ‖ string seed‖pk</c>.
/// </summary>
public sealed class Ed25519PrivateKey : SshPrivateKey
{
    private readonly byte[] _seed;
    private readonly Ed25519PublicKey _public;

    /// <summary>Creates the key from its 32-byte seed; the public key is derived from it.</summary>
    public Ed25519PrivateKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32) throw new ArgumentException("Ed25519 seed must be 32 bytes", nameof(seed));
        _seed = seed.ToArray();
        Span<byte> pk = stackalloc byte[Ed25519PublicKey.KeySize];
        LibCrypto.Ed25519PublicKeyFromSeed(_seed, pk);
        _public = new Ed25519PublicKey(pk);
    }

    public static Ed25519PrivateKey Generate()
    {
        Span<byte> seed = stackalloc byte[32];
        RandomNumberGenerator.Fill(seed);
        try { return new Ed25519PrivateKey(seed); }
        finally { CryptographicOperations.ZeroMemory(seed); }
    }

    public override SshPublicKey PublicKey => _public;

    public override byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        if (signatureAlgorithm != SshKeyAlgorithms.Ed25519) throw UnsupportedAlgorithm(SshKeyAlgorithms.Ed25519, signatureAlgorithm);
        Span<byte> sig = stackalloc byte[Ed25519PublicKey.SignatureSize];
        LibCrypto.Ed25519Sign(_seed, data, sig);
        return SshSignature.Create(SshKeyAlgorithms.Ed25519, sig);
    }

    internal override void WritePrivateFields(ref SshWriter writer)
    {
        writer.WriteString(_public.Key);
        var secret = new byte[64];
        _seed.CopyTo(secret);
        _public.Key.CopyTo(secret.AsSpan(32));
        writer.WriteString(secret);
        CryptographicOperations.ZeroMemory(secret);
    }

    internal static Ed25519PrivateKey ReadPrivateFields(ref SshReader r)
    {
        var pk = r.ReadString();
        var secret = r.ReadString();
        if (pk.Length != 32 || secret.Length != 64) throw new SshKeyFileException("Ed25519 private key has wrong field sizes");
        if (!secret[32..].SequenceEqual(pk)) throw new SshKeyFileException("Ed25519 private key: public halves differ");
        var key = new Ed25519PrivateKey(secret[..32]);
        if (!key._public.Key.SequenceEqual(pk)) throw new SshKeyFileException("Ed25519 private key does not match its public key");
        return key;
    }

    protected override void Dispose(bool disposing)
    {
        CryptographicOperations.ZeroMemory(_seed);
        base.Dispose(disposing);
    }
}
