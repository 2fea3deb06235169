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

    /// <summary>OpenSSH's SHA256 fingerprint: "SHA256:" + unpadded base64 of SHA-256(blob).</summary>
    public string Fingerprint =>
        "SHA256:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Blob.Span)).TrimEnd('=');

    /// <summary>Parses a wire blob, certificates included. Malformed blobs throw <see cref="FormatException"/>.</summary>
    public static SshPublicKey FromBlob(ReadOnlySpan<byte> blob) => throw new NotImplementedException();
}
