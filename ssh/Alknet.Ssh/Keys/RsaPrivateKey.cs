using System.Numerics;
using System.Security.Cryptography;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>
/// An RSA private key. Signs PKCS#1 v1.5 with SHA-512 or SHA-256 (RFC 8332), never SHA-1. In PROTOCOL.key its
/// private fields are <c>mpint n ‖ mpint e ‖ mpint d ‖ mpint iqmp ‖ mpint p ‖ mpint q</c>; the CRT exponents the
/// BCL needs (DP, DQ) are not stored there and are computed on import.
/// </summary>
public sealed class RsaPrivateKey : SshPrivateKey
{
    private readonly RSA _rsa;
    private readonly RsaPublicKey _public;
    private readonly Lock _lock = new();

    private RsaPrivateKey(RSA rsa)
    {
        _rsa = rsa;
        var p = rsa.ExportParameters(false);
        _public = new RsaPublicKey(p.Exponent, p.Modulus);
    }

    public int Bits => _public.Bits;

    public static RsaPrivateKey Generate(int bits)
    {
        if (bits < 2048 || bits > RsaPublicKey.MaximumBits) throw new ArgumentOutOfRangeException(nameof(bits), "RSA keys are generated with 2048..16384 bits");
        return new RsaPrivateKey(RSA.Create(bits));
    }

    /// <summary>Imports from the PROTOCOL.key fields; DP = d mod (p−1), DQ = d mod (q−1), InverseQ = q⁻¹ mod p.</summary>
    public static RsaPrivateKey Import(ReadOnlySpan<byte> n, ReadOnlySpan<byte> e, ReadOnlySpan<byte> d, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q)
    {
        var bn = KeyEncoding.ToBigInteger(n);
        var bd = KeyEncoding.ToBigInteger(d);
        var bp = KeyEncoding.ToBigInteger(p);
        var bq = KeyEncoding.ToBigInteger(q);
        if (bp < 3 || bq < 3 || bp * bq != bn) throw new SshKeyFileException("RSA private key: p·q does not equal n");
        int modulusLength = (KeyEncoding.BitLength(n) + 7) / 8;
        int half = (modulusLength + 1) / 2;
        var parameters = new RSAParameters
        {
            Modulus = KeyEncoding.FixedLength(n, modulusLength),
            Exponent = KeyEncoding.FixedLength(e, (KeyEncoding.BitLength(e) + 7) / 8),
            D = KeyEncoding.FixedLength(d, modulusLength),
            P = KeyEncoding.FixedLength(p, half),
            Q = KeyEncoding.FixedLength(q, half),
            DP = KeyEncoding.FromBigInteger(bd % (bp - 1), half),
            DQ = KeyEncoding.FromBigInteger(bd % (bq - 1), half),
            InverseQ = KeyEncoding.FromBigInteger(BigInteger.ModPow(bq, bp - 2, bp), half),
        };
        RSA rsa;
        try
        {
            rsa = RSA.Create(parameters);
        }
        catch (CryptographicException ex)
        {
            throw new SshKeyFileException("RSA private key is invalid", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
            CryptographicOperations.ZeroMemory(parameters.P);
            CryptographicOperations.ZeroMemory(parameters.Q);
            CryptographicOperations.ZeroMemory(parameters.DP);
            CryptographicOperations.ZeroMemory(parameters.DQ);
        }
        if (KeyEncoding.BitLength(n) < RsaPublicKey.MinimumBits)
        {
            rsa.Dispose();
            throw new SshKeyFileException("RSA key is smaller than 1024 bits");
        }
        return new RsaPrivateKey(rsa);
    }

    public override SshPublicKey PublicKey => _public;

    public override byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        if (RsaPublicKey.HashFor(signatureAlgorithm) is not { } hash) throw UnsupportedAlgorithm(SshKeyAlgorithms.Rsa, signatureAlgorithm);
        byte[] sig;
        lock (_lock) sig = _rsa.SignData(data, hash, RSASignaturePadding.Pkcs1);
        return SshSignature.Create(signatureAlgorithm, sig);
    }

    internal override void WritePrivateFields(ref SshWriter writer)
    {
        var p = _rsa.ExportParameters(true);
        try
        {
            writer.WriteMpintUnsigned(p.Modulus);
            writer.WriteMpintUnsigned(p.Exponent);
            writer.WriteMpintUnsigned(p.D);
            writer.WriteMpintUnsigned(p.InverseQ);
            writer.WriteMpintUnsigned(p.P);
            writer.WriteMpintUnsigned(p.Q);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(p.D);
            CryptographicOperations.ZeroMemory(p.P);
            CryptographicOperations.ZeroMemory(p.Q);
            CryptographicOperations.ZeroMemory(p.DP);
            CryptographicOperations.ZeroMemory(p.DQ);
            CryptographicOperations.ZeroMemory(p.InverseQ);
        }
    }

    internal static RsaPrivateKey ReadPrivateFields(ref SshReader r)
    {
        var n = r.ReadMpintUnsigned();
        var e = r.ReadMpintUnsigned();
        var d = r.ReadMpintUnsigned();
        r.ReadMpintUnsigned(); // iqmp: recomputed from p and q rather than trusted
        var p = r.ReadMpintUnsigned();
        var q = r.ReadMpintUnsigned();
        return Import(n, e, d, p, q);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _rsa.Dispose();
        base.Dispose(disposing);
    }
}
