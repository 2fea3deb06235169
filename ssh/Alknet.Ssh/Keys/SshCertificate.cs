using System.Buffers;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>
/// An OpenSSH certificate (PROTOCOL.certkeys): <c>string type ‖ string nonce ‖ key fields ‖ uint64 serial ‖
/// uint32 type ‖ string key_id ‖ string valid_principals ‖ uint64 valid_after ‖ uint64 valid_before ‖
/// string critical_options ‖ string extensions ‖ string reserved ‖ string signature_key ‖ string signature</c>.
/// Parsing checks only the structure; trust decisions (CA, validity, principals, options) belong to
/// <see cref="CertificateValidator"/>. Signatures made by the certified key are verified by the inner key.
/// </summary>
public sealed class SshCertificate : SshPublicKey
{
    private readonly byte[] _blob;
    private readonly string[] _publicKeyAlgorithms;

    private SshCertificate(byte[] blob, string type, SshPublicKey key)
    {
        _blob = blob;
        KeyType = type;
        Key = key;
        _publicKeyAlgorithms = key is RsaPublicKey
            ? [SshKeyAlgorithms.RsaSha512Cert, SshKeyAlgorithms.RsaSha256Cert]
            : [type];
    }

    public override string KeyType { get; }
    public override ReadOnlyMemory<byte> Blob => _blob;

    /// <summary>The signature algorithms of the certified key (the names inside signature blobs).</summary>
    public override IReadOnlyList<string> SignatureAlgorithms => Key.SignatureAlgorithms;

    /// <summary>
    /// The public key algorithm names under which this certificate is offered in a publickey request or as a host
    /// key (rsa-sha2-512-cert-v01@openssh.com, …, or the certificate type itself).
    /// </summary>
    public IReadOnlyList<string> PublicKeyAlgorithms => _publicKeyAlgorithms;

    public ReadOnlyMemory<byte> Nonce { get; private init; }

    /// <summary>The certified (inner) public key.</summary>
    public SshPublicKey Key { get; }

    public ulong Serial { get; private init; }
    public SshCertificateType CertificateType { get; private init; }
    public string KeyId { get; private init; } = "";
    public IReadOnlyList<string> Principals { get; private init; } = [];

    /// <summary>Seconds since the Unix epoch; 0 means "always".</summary>
    public ulong ValidAfter { get; private init; }

    /// <summary>Seconds since the Unix epoch; ulong.MaxValue means "forever".</summary>
    public ulong ValidBefore { get; private init; }

    /// <summary>(name, value) pairs in wire order; duplicates are kept so that the validator can reject them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CriticalOptions { get; private init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; private init; } = [];

    /// <summary>The CA key that signed the certificate.</summary>
    public SshPublicKey SignatureKey { get; private init; } = null!;

    /// <summary>The CA's signature blob.</summary>
    public ReadOnlyMemory<byte> Signature { get; private init; }

    /// <summary>The bytes the CA signed: the whole blob up to and including signature_key.</summary>
    public ReadOnlyMemory<byte> SignedData { get; private init; }

    /// <summary>
    /// Verifies a signature made by the certified key. <paramref name="signatureAlgorithm"/> may be a plain
    /// signature algorithm or its certificate form (rsa-sha2-256-cert-v01@openssh.com → rsa-sha2-256).
    /// </summary>
    public override bool Verify(string signatureAlgorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signatureBlob)
    {
        var plain = SshKeyAlgorithms.SignatureAlgorithmOf(signatureAlgorithm);
        if (plain == SshKeyAlgorithms.Rsa) return false;
        return Key.Verify(plain, data, signatureBlob);
    }

    /// <summary>Verifies the CA signature over <see cref="SignedData"/> with <see cref="SignatureKey"/>.</summary>
    public bool VerifyCaSignature()
    {
        if (!SshSignature.TryParse(Signature.Span, out var alg, out _)) return false;
        return SignatureKey.Verify(alg, SignedData.Span, Signature.Span);
    }

    /// <summary>The key type inside a certificate type: ssh-ed25519-cert-v01@openssh.com → ssh-ed25519.</summary>
    internal static string? PlainKeyType(string certType) => certType switch
    {
        SshKeyAlgorithms.Ed25519Cert => SshKeyAlgorithms.Ed25519,
        SshKeyAlgorithms.EcdsaNistP256Cert => SshKeyAlgorithms.EcdsaNistP256,
        SshKeyAlgorithms.EcdsaNistP384Cert => SshKeyAlgorithms.EcdsaNistP384,
        SshKeyAlgorithms.EcdsaNistP521Cert => SshKeyAlgorithms.EcdsaNistP521,
        SshKeyAlgorithms.RsaCert => SshKeyAlgorithms.Rsa,
        _ => null,
    };

    /// <summary>Parses a certificate blob. Malformed input throws <see cref="FormatException"/>.</summary>
    public static SshCertificate Parse(ReadOnlySpan<byte> blob) => Parse(blob, 0);

    internal static SshCertificate Parse(ReadOnlySpan<byte> blob, int depth)
    {
        try
        {
            var r = new SshReader(blob);
            string type = r.ReadAsciiString();
            string plain = PlainKeyType(type) ?? throw new FormatException("unsupported certificate type " + Printable(type));
            var nonce = r.ReadString().ToArray();
            var key = ReadKeyFields(plain, ref r);
            ulong serial = r.ReadUInt64();
            uint certType = r.ReadUInt32();
            string keyId = r.ReadUtf8String();
            var principals = ReadPrincipals(r.ReadString());
            ulong validAfter = r.ReadUInt64();
            ulong validBefore = r.ReadUInt64();
            var critical = ReadOptions(r.ReadString());
            var extensions = ReadOptions(r.ReadString());
            r.ReadString(); // reserved: ignored, as PROTOCOL.certkeys says
            var signatureKeyBlob = r.ReadString();
            int signedLength = r.Position;
            var signature = r.ReadString().ToArray();
            r.EnsureEnd();
            var signatureKey = FromBlob(signatureKeyBlob, depth + 1);
            var copy = blob.ToArray();
            return new SshCertificate(copy, type, key)
            {
                Nonce = nonce,
                Serial = serial,
                CertificateType = (SshCertificateType)certType,
                KeyId = keyId,
                Principals = principals,
                ValidAfter = validAfter,
                ValidBefore = validBefore,
                CriticalOptions = critical,
                Extensions = extensions,
                SignatureKey = signatureKey,
                Signature = signature,
                SignedData = copy.AsMemory(0, signedLength),
            };
        }
        catch (SshProtocolException e)
        {
            throw KeyEncoding.Malformed("certificate", e);
        }
    }

    private static string[] ReadPrincipals(ReadOnlySpan<byte> packed)
    {
        var list = new List<string>();
        var r = new SshReader(packed);
        while (!r.End) list.Add(r.ReadUtf8String());
        return [.. list];
    }

    /// <summary>Options are (name, data) pairs; a non-empty data field holds one more string with the value.</summary>
    private static KeyValuePair<string, string>[] ReadOptions(ReadOnlySpan<byte> packed)
    {
        var list = new List<KeyValuePair<string, string>>();
        var r = new SshReader(packed);
        while (!r.End)
        {
            string name = r.ReadAsciiString();
            var data = r.ReadString();
            string value = "";
            if (!data.IsEmpty)
            {
                var inner = new SshReader(data);
                value = inner.ReadUtf8String();
                inner.EnsureEnd();
            }
            list.Add(new(name, value));
        }
        return [.. list];
    }

    /// <summary>
    /// Builds and signs a certificate (used by tests and tooling; the server never issues certificates).
    /// </summary>
    public static SshCertificate Create(
        SshPublicKey key, SshPrivateKey ca, string signatureAlgorithm, SshCertificateType certificateType,
        string keyId, IReadOnlyList<string> principals, ulong validAfter, ulong validBefore,
        IReadOnlyList<KeyValuePair<string, string>>? criticalOptions = null,
        IReadOnlyList<KeyValuePair<string, string>>? extensions = null, ulong serial = 0) =>
        Create(key, ca, signatureAlgorithm, certificateType, keyId, principals, validAfter, validBefore, criticalOptions,
            extensions, serial, ca.PublicKey.Blob.ToArray());

    /// <summary>As above, with an arbitrary signature_key blob (tests use it to build certificates signed "by a certificate").</summary>
    internal static SshCertificate Create(
        SshPublicKey key, SshPrivateKey ca, string signatureAlgorithm, SshCertificateType certificateType,
        string keyId, IReadOnlyList<string> principals, ulong validAfter, ulong validBefore,
        IReadOnlyList<KeyValuePair<string, string>>? criticalOptions,
        IReadOnlyList<KeyValuePair<string, string>>? extensions, ulong serial, byte[] signatureKeyBlob)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ca);
        if (key is SshCertificate) throw new ArgumentException("cannot certify a certificate", nameof(key));
        string certType = key.KeyType + SshKeyAlgorithms.CertSuffix;
        var buffer = new ArrayBufferWriter<byte>(1024);
        var w = new SshWriter(buffer);
        w.WriteString(certType);
        w.WriteString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var keyBlob = key.Blob.Span;
        var kr = new SshReader(keyBlob);
        kr.ReadString();
        w.WriteRaw(kr.RemainingSpan);
        w.WriteUInt64(serial);
        w.WriteUInt32((uint)certificateType);
        w.WriteString(keyId);
        w.WriteString(PackStrings(principals));
        w.WriteUInt64(validAfter);
        w.WriteUInt64(validBefore);
        w.WriteString(PackOptions(criticalOptions ?? []));
        w.WriteString(PackOptions(extensions ?? []));
        w.WriteString(ReadOnlySpan<byte>.Empty);
        w.WriteString(signatureKeyBlob);
        w.Commit();
        var signature = ca.Sign(signatureAlgorithm, buffer.WrittenSpan);
        w = new SshWriter(buffer);
        w.WriteString(signature);
        w.Commit();
        return Parse(buffer.WrittenSpan);
    }

    private static byte[] PackStrings(IReadOnlyList<string> values) =>
        KeyEncoding.Build(values, static (ref SshWriter w, IReadOnlyList<string> v) =>
        {
            for (int i = 0; i < v.Count; i++) w.WriteString(v[i]);
        });

    private static byte[] PackOptions(IReadOnlyList<KeyValuePair<string, string>> options) =>
        KeyEncoding.Build(options, static (ref SshWriter w, IReadOnlyList<KeyValuePair<string, string>> o) =>
        {
            for (int i = 0; i < o.Count; i++)
            {
                w.WriteString(o[i].Key);
                w.WriteString(o[i].Value.Length == 0 ? Array.Empty<byte>() : PackStrings([o[i].Value]));
            }
        });
}
