using System.Security.Cryptography;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>
/// An RSA public key (RFC 4253 §6.6): <c>string "ssh-rsa" ‖ mpint e ‖ mpint n</c>. Verifies only the SHA-2
/// signature algorithms of RFC 8332 (rsa-sha2-512, rsa-sha2-256), never SHA-1 <c>ssh-rsa</c> signatures. A signature
/// shorter than the modulus is left-padded (§3), a longer one is rejected. Keys under 1024 bits are refused.
/// </summary>
public sealed class RsaPublicKey : SshPublicKey
{
    public const int MinimumBits = 1024;
    public const int MaximumBits = 16384;
    private static readonly string[] Algorithms = [SshKeyAlgorithms.RsaSha512, SshKeyAlgorithms.RsaSha256];
    private readonly byte[] _exponent;
    private readonly byte[] _modulus;
    private readonly byte[] _blob;
    private readonly RSA _rsa;
    private readonly Lock _lock = new();

    public RsaPublicKey(ReadOnlySpan<byte> exponent, ReadOnlySpan<byte> modulus)
    {
        _exponent = KeyEncoding.FixedLength(exponent, (KeyEncoding.BitLength(exponent) + 7) / 8);
        _modulus = KeyEncoding.FixedLength(modulus, (KeyEncoding.BitLength(modulus) + 7) / 8);
        Bits = KeyEncoding.BitLength(_modulus);
        if (Bits < MinimumBits) throw new FormatException("RSA key of " + Bits + " bits is too small (minimum 1024)");
        if (Bits > MaximumBits) throw new FormatException("RSA key of " + Bits + " bits is too large");
        if (_exponent.Length == 0 || (_exponent[^1] & 1) == 0 || (_exponent.Length == 1 && _exponent[0] < 3))
            throw new FormatException("RSA public exponent is invalid");
        try
        {
            _rsa = RSA.Create(new RSAParameters { Exponent = _exponent, Modulus = _modulus });
        }
        catch (CryptographicException e)
        {
            throw new FormatException("RSA public key is invalid", e);
        }
        _blob = KeyEncoding.Build(this, static (ref SshWriter w, RsaPublicKey k) =>
        {
            w.WriteString(SshKeyAlgorithms.Rsa);
            w.WriteMpintUnsigned(k._exponent);
            w.WriteMpintUnsigned(k._modulus);
        });
    }

    /// <summary>The modulus size in bits.</summary>
    public int Bits { get; }

    public ReadOnlySpan<byte> Exponent => _exponent;
    public ReadOnlySpan<byte> Modulus => _modulus;

    public override string KeyType => SshKeyAlgorithms.Rsa;
    public override ReadOnlyMemory<byte> Blob => _blob;
    public override IReadOnlyList<string> SignatureAlgorithms => Algorithms;

    internal static HashAlgorithmName? HashFor(string signatureAlgorithm) => signatureAlgorithm switch
    {
        SshKeyAlgorithms.RsaSha512 => HashAlgorithmName.SHA512,
        SshKeyAlgorithms.RsaSha256 => HashAlgorithmName.SHA256,
        _ => null,
    };

    public override bool Verify(string signatureAlgorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signatureBlob)
    {
        if (HashFor(signatureAlgorithm) is not { } hash) return false;
        if (!SshSignature.TryParse(signatureBlob, out var alg, out var sig) || alg != signatureAlgorithm) return false;
        int length = _modulus.Length;
        if (sig.Length > length || sig.IsEmpty) return false;
        if (sig.Length < length)
        {
            // RFC 8332 §3: a signature may arrive without its leading zero bytes.
            var padded = new byte[length];
            sig.CopyTo(padded.AsSpan(length - sig.Length));
            sig = padded;
        }
        lock (_lock) return _rsa.VerifyData(data, sig, hash, RSASignaturePadding.Pkcs1);
    }

    internal static RsaPublicKey ReadFields(ref SshReader r)
    {
        var e = r.ReadMpintUnsigned();
        var n = r.ReadMpintUnsigned();
        return new RsaPublicKey(e, n);
    }
}
