using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>
/// A public key (or an OpenSSH certificate) in its SSH wire form (RFC 4253 §6.6). SKELETON CONTRACT: the abstract
/// surface is what the transport and auth code use; the factories are replaced by the real implementation.
/// </summary>
public abstract class SshPublicKey
{
    /// <summary>The key type as it appears in the blob: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, or a *-cert-v01@openssh.com type.</summary>
    public abstract string KeyType { get; }

    /// <summary>The wire encoding (what goes in KEXDH_REPLY's K_S and in a publickey auth request).</summary>
    public abstract ReadOnlyMemory<byte> Blob { get; }

    /// <summary>Signature algorithms this key can verify, in preference order (rsa-sha2-512, rsa-sha2-256 for RSA).</summary>
    public abstract IReadOnlyList<string> SignatureAlgorithms { get; }

    /// <summary>
    /// Verifies an SSH signature blob (<c>string algorithm ‖ string signature</c>) over <paramref name="data"/>.
    /// The blob's algorithm must equal <paramref name="signatureAlgorithm"/>. Returns false on any mismatch.
    /// </summary>
    public abstract bool Verify(string signatureAlgorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signatureBlob);

    /// <summary>
    /// OpenSSH's SHA256 fingerprint: "SHA256:" + unpadded base64 of SHA-256(blob). For a certificate it is the
    /// fingerprint of the certified key, not of the certificate blob: OpenSSH's sshkey_fingerprint hashes the plain
    /// key, so that is what ssh-keygen -l, ssh's and sshd's logs show, and what an operator greps Alknet's auth
    /// lines for.
    /// </summary>
    public string Fingerprint =>
        "SHA256:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(FingerprintedKey.Blob.Span)).TrimEnd('=');

    private SshPublicKey FingerprintedKey => this is SshCertificate certificate ? certificate.Key : this;

    /// <summary>True when both keys have byte-identical blobs (how authorized_keys and known_hosts match keys).</summary>
    public bool BlobEquals(SshPublicKey other) => other is not null && Blob.Span.SequenceEqual(other.Blob.Span);

    /// <summary>The one-line OpenSSH form, <c>type base64 [comment]</c> (a .pub file or authorized_keys line).</summary>
    public string ToOpenSshLine(string? comment = null)
    {
        var line = KeyType + " " + Convert.ToBase64String(Blob.Span);
        return string.IsNullOrEmpty(comment) ? line : line + " " + comment;
    }

    /// <summary>Parses a wire blob, certificates included. Malformed blobs throw <see cref="FormatException"/>.</summary>
    public static SshPublicKey FromBlob(ReadOnlySpan<byte> blob) => FromBlob(blob, certificateDepth: 0);

    /// <summary>
    /// <paramref name="certificateDepth"/> counts enclosing certificates. A certificate's signature key may itself
    /// parse as a certificate (so that the validator can name that refusal), but no deeper: unbounded nesting
    /// would let a peer drive the parser's recursion with one packet.
    /// </summary>
    internal static SshPublicKey FromBlob(ReadOnlySpan<byte> blob, int certificateDepth)
    {
        try
        {
            var r = new SshReader(blob);
            string type = r.ReadAsciiString();
            if (SshKeyAlgorithms.IsCertificate(type))
            {
                if (certificateDepth > 1) throw new FormatException("certificate signed by a certificate signed by a certificate");
                return SshCertificate.Parse(blob, certificateDepth);
            }
            SshPublicKey key = ReadKeyFields(type, ref r);
            r.EnsureEnd();
            // The reader accepts only minimal encodings, so a well-formed blob re-encodes to the same bytes; the
            // check keeps "match by blob" (authorized_keys, known_hosts, CA equality) free of aliasing.
            if (!key.Blob.Span.SequenceEqual(blob)) throw new FormatException("non-canonical " + type + " key blob");
            return key;
        }
        catch (SshProtocolException e)
        {
            throw KeyEncoding.Malformed("public key blob", e);
        }
    }

    /// <summary>Reads the fields of a plain key of <paramref name="type"/> (what follows the type name).</summary>
    internal static SshPublicKey ReadKeyFields(string type, ref SshReader r) => type switch
    {
        SshKeyAlgorithms.Ed25519 => Ed25519PublicKey.ReadFields(ref r),
        SshKeyAlgorithms.EcdsaNistP256 or SshKeyAlgorithms.EcdsaNistP384 or SshKeyAlgorithms.EcdsaNistP521
            => EcdsaPublicKey.ReadFields(type, ref r),
        SshKeyAlgorithms.Rsa => RsaPublicKey.ReadFields(ref r),
        _ => throw new FormatException("unsupported key type " + Printable(type)),
    };

    /// <summary>Parses <c>type base64 [comment]</c>. The type must equal the blob's type.</summary>
    public static SshPublicKey ParseOpenSshLine(string line) => ParseOpenSshLine(line, out _);

    /// <summary>Parses <c>type base64 [comment]</c> and returns the comment (null when absent).</summary>
    public static SshPublicKey ParseOpenSshLine(string line, out string? comment)
    {
        ArgumentNullException.ThrowIfNull(line);
        var s = line.AsSpan().Trim();
        int sp = s.IndexOfAny(' ', '\t');
        if (sp < 0) throw new FormatException("public key line needs a key type and base64 data");
        string type = s[..sp].ToString();
        s = s[sp..].TrimStart();
        sp = s.IndexOfAny(' ', '\t');
        var b64 = sp < 0 ? s : s[..sp];
        comment = sp < 0 ? null : s[sp..].Trim().ToString();
        if (comment?.Length == 0) comment = null;
        byte[] blob;
        try { blob = Convert.FromBase64String(b64.ToString()); }
        catch (FormatException e) { throw new FormatException("public key line has invalid base64 data", e); }
        var key = FromBlob(blob);
        if (key.KeyType != type)
            throw new FormatException("public key line says " + Printable(type) + " but its data is " + key.KeyType);
        return key;
    }

    /// <summary>Reads an OpenSSH .pub file.</summary>
    public static SshPublicKey Load(string path) => ParseOpenSshLine(File.ReadAllText(path).Trim());

    /// <summary>Key type names in error messages: bounded and printable, since they may come from a peer.</summary>
    internal static string Printable(string s)
    {
        if (s.Length > 64) s = s[..64] + "…";
        foreach (char c in s)
            if (c is < ' ' or > '~') return "(unprintable)";
        return s;
    }
}
