using System.Security.Cryptography;

namespace Alknet.Ssh.Keys;

/// <summary>
/// The three NIST curves of RFC 5656 §6.1 with what SSH needs from each: the curve identifier that appears in the
/// blob, the hash used for signatures (§6.2.1), the field size and the group order n (for the r, s range check).
/// </summary>
public sealed class EcdsaCurve
{
    public static readonly EcdsaCurve NistP256 = new(
        "nistp256", SshKeyAlgorithms.EcdsaNistP256, ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256, 32,
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");

    public static readonly EcdsaCurve NistP384 = new(
        "nistp384", SshKeyAlgorithms.EcdsaNistP384, ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384, 48,
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973");

    public static readonly EcdsaCurve NistP521 = new(
        "nistp521", SshKeyAlgorithms.EcdsaNistP521, ECCurve.NamedCurves.nistP521, HashAlgorithmName.SHA512, 66,
        "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409");

    private EcdsaCurve(string identifier, string keyType, ECCurve curve, HashAlgorithmName hash, int fieldSize, string orderHex)
    {
        Identifier = identifier;
        KeyType = keyType;
        Curve = curve;
        Hash = hash;
        FieldSize = fieldSize;
        Order = Convert.FromHexString(orderHex);
    }

    /// <summary>The curve name inside the blob: nistp256, nistp384, nistp521.</summary>
    public string Identifier { get; }

    /// <summary>The key type and signature algorithm: ecdsa-sha2-nistpNNN.</summary>
    public string KeyType { get; }

    public ECCurve Curve { get; }
    public HashAlgorithmName Hash { get; }

    /// <summary>Bytes per coordinate and per scalar.</summary>
    public int FieldSize { get; }

    /// <summary>The group order n, big-endian, <see cref="FieldSize"/> bytes.</summary>
    internal byte[] Order { get; }

    public static EcdsaCurve? FromKeyType(string keyType) => keyType switch
    {
        SshKeyAlgorithms.EcdsaNistP256 => NistP256,
        SshKeyAlgorithms.EcdsaNistP384 => NistP384,
        SshKeyAlgorithms.EcdsaNistP521 => NistP521,
        _ => null,
    };

    public static EcdsaCurve? FromBits(int bits) => bits switch
    {
        256 => NistP256,
        384 => NistP384,
        521 => NistP521,
        _ => null,
    };

    internal byte[] HashData(ReadOnlySpan<byte> data)
    {
        if (Hash == HashAlgorithmName.SHA256) return SHA256.HashData(data);
        if (Hash == HashAlgorithmName.SHA384) return SHA384.HashData(data);
        return SHA512.HashData(data);
    }

    /// <summary>True when 0 &lt; value &lt; n (RFC 5656 signatures; pitfall: unchecked r, s).</summary>
    internal bool IsValidScalar(ReadOnlySpan<byte> magnitude)
    {
        int i = 0;
        while (i < magnitude.Length && magnitude[i] == 0) i++;
        magnitude = magnitude[i..];
        if (magnitude.IsEmpty || magnitude.Length > FieldSize) return false;
        Span<byte> padded = stackalloc byte[FieldSize];
        padded.Clear();
        magnitude.CopyTo(padded[(FieldSize - magnitude.Length)..]);
        return padded.SequenceCompareTo(Order) < 0;
    }
}
