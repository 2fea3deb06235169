using System.Security.Cryptography;
using System.Text;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>
/// An ECDSA public key (RFC 5656 §3.1): <c>string "ecdsa-sha2-nistpNNN" ‖ string "nistpNNN" ‖ string Q</c>, Q an
/// uncompressed point. The point is validated by importing it (OpenSSL checks it is on the curve). Signatures are
/// <c>string(mpint r ‖ mpint s)</c> over SHA-256/384/512 of the data (§3.1.2).
/// </summary>
public sealed class EcdsaPublicKey : SshPublicKey
{
    private readonly byte[] _point;
    private readonly byte[] _blob;
    private readonly string[] _algorithms;
    private readonly ECDsa _ecdsa;
    private readonly Lock _lock = new();

    public EcdsaPublicKey(EcdsaCurve curve, ReadOnlySpan<byte> point)
    {
        Curve = curve;
        int n = curve.FieldSize;
        if (point.Length != 1 + 2 * n || point[0] != 0x04)
            throw new FormatException("ECDSA public key must be an uncompressed " + curve.Identifier + " point");
        _point = point.ToArray();
        try
        {
            _ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = curve.Curve,
                Q = new ECPoint { X = _point[1..(1 + n)], Y = _point[(1 + n)..] },
            });
        }
        catch (CryptographicException e)
        {
            throw new FormatException("ECDSA public key is not a point on " + curve.Identifier, e);
        }
        _algorithms = [curve.KeyType];
        _blob = KeyEncoding.Build(this, static (ref SshWriter w, EcdsaPublicKey k) =>
        {
            w.WriteString(k.Curve.KeyType);
            w.WriteString(k.Curve.Identifier);
            w.WriteString(k._point);
        });
    }

    public EcdsaCurve Curve { get; }

    /// <summary>The uncompressed point 04 ‖ X ‖ Y.</summary>
    public ReadOnlySpan<byte> Point => _point;

    public override string KeyType => Curve.KeyType;
    public override ReadOnlyMemory<byte> Blob => _blob;
    public override IReadOnlyList<string> SignatureAlgorithms => _algorithms;

    public override bool Verify(string signatureAlgorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signatureBlob)
    {
        if (signatureAlgorithm != Curve.KeyType) return false;
        if (!SshSignature.TryParse(signatureBlob, out var alg, out var inner) || alg != signatureAlgorithm) return false;
        int n = Curve.FieldSize;
        Span<byte> p1363 = stackalloc byte[2 * n];
        try
        {
            var r = new SshReader(inner);
            var rs = r.ReadMpintUnsigned();
            var ss = r.ReadMpintUnsigned();
            r.EnsureEnd();
            if (!Curve.IsValidScalar(rs) || !Curve.IsValidScalar(ss)) return false;
            p1363.Clear();
            rs.CopyTo(p1363[(n - rs.Length)..n]);
            ss.CopyTo(p1363[(2 * n - ss.Length)..]);
        }
        catch (SshProtocolException)
        {
            return false;
        }
        var hash = Curve.HashData(data);
        lock (_lock) return _ecdsa.VerifyHash(hash, p1363);
    }

    internal static EcdsaPublicKey ReadFields(string keyType, ref SshReader r)
    {
        var curve = EcdsaCurve.FromKeyType(keyType) ?? throw new FormatException("unsupported ECDSA key type");
        var identifier = r.ReadString();
        if (!identifier.SequenceEqual(Encoding.ASCII.GetBytes(curve.Identifier)))
            throw new FormatException("ECDSA curve name does not match the key type " + keyType);
        return new EcdsaPublicKey(curve, r.ReadString());
    }
}
