using System.Security.Cryptography;
using System.Text;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>
/// An ECDSA private key on nistp256/384/521 (RFC 5656). Signs SHA-x(data) and encodes the signature as
/// <c>string(mpint r ‖ mpint s)</c>. In PROTOCOL.key its private fields are <c>string curve ‖ string Q ‖ mpint d</c>.
/// </summary>
public sealed class EcdsaPrivateKey : SshPrivateKey
{
    private readonly ECDsa _ecdsa;
    private readonly EcdsaPublicKey _public;
    private readonly Lock _lock = new();

    private EcdsaPrivateKey(EcdsaCurve curve, ECDsa ecdsa)
    {
        Curve = curve;
        _ecdsa = ecdsa;
        var p = ecdsa.ExportParameters(false);
        int n = curve.FieldSize;
        var point = new byte[1 + 2 * n];
        point[0] = 0x04;
        KeyEncoding.FixedLength(p.Q.X, n).CopyTo(point, 1);
        KeyEncoding.FixedLength(p.Q.Y, n).CopyTo(point, 1 + n);
        _public = new EcdsaPublicKey(curve, point);
    }

    public EcdsaCurve Curve { get; }

    public static EcdsaPrivateKey Generate(EcdsaCurve curve) => new(curve, ECDsa.Create(curve.Curve));

    /// <summary>Imports a key from its private scalar d and public point Q (04 ‖ X ‖ Y); they must belong together.</summary>
    public static EcdsaPrivateKey Import(EcdsaCurve curve, ReadOnlySpan<byte> d, ReadOnlySpan<byte> point)
    {
        int n = curve.FieldSize;
        if (point.Length != 1 + 2 * n || point[0] != 0x04) throw new SshKeyFileException("ECDSA public point is not uncompressed");
        if (!curve.IsValidScalar(d)) throw new SshKeyFileException("ECDSA private scalar is out of range");
        ECDsa ecdsa;
        try
        {
            ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = curve.Curve,
                D = KeyEncoding.FixedLength(d, n),
                Q = new ECPoint { X = point[1..(1 + n)].ToArray(), Y = point[(1 + n)..].ToArray() },
            });
        }
        catch (CryptographicException e)
        {
            throw new SshKeyFileException("ECDSA private key does not match its public point", e);
        }
        var key = new EcdsaPrivateKey(curve, ecdsa);
        if (!key._public.Point.SequenceEqual(point))
        {
            key.Dispose();
            throw new SshKeyFileException("ECDSA private key does not match its public point");
        }
        return key;
    }

    public override SshPublicKey PublicKey => _public;

    public override byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        if (signatureAlgorithm != Curve.KeyType) throw UnsupportedAlgorithm(Curve.KeyType, signatureAlgorithm);
        var hash = Curve.HashData(data);
        byte[] p1363;
        lock (_lock) p1363 = _ecdsa.SignHash(hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        int n = Curve.FieldSize;
        var inner = KeyEncoding.Build(p1363, (ref SshWriter w, byte[] rs) =>
        {
            w.WriteMpintUnsigned(rs.AsSpan(0, n));
            w.WriteMpintUnsigned(rs.AsSpan(n));
        });
        return SshSignature.Create(Curve.KeyType, inner);
    }

    internal override void WritePrivateFields(ref SshWriter writer)
    {
        writer.WriteString(Curve.Identifier);
        writer.WriteString(_public.Point);
        var p = _ecdsa.ExportParameters(true);
        writer.WriteMpintUnsigned(p.D);
        CryptographicOperations.ZeroMemory(p.D);
    }

    internal static EcdsaPrivateKey ReadPrivateFields(string keyType, ref SshReader r)
    {
        var curve = EcdsaCurve.FromKeyType(keyType) ?? throw new SshKeyFileException("unsupported ECDSA key type");
        if (!r.ReadString().SequenceEqual(Encoding.ASCII.GetBytes(curve.Identifier)))
            throw new SshKeyFileException("ECDSA curve name does not match the key type");
        var q = r.ReadString();
        var d = r.ReadMpintUnsigned();
        return Import(curve, d, q);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _ecdsa.Dispose();
        base.Dispose(disposing);
    }
}
