using System.Security.Cryptography;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>
/// A private key that signs for SSH (host keys and user keys). SKELETON CONTRACT: the abstract surface is what
/// the transport and auth code use; the factories are replaced by the real implementation.
/// </summary>
public abstract class SshPrivateKey : IDisposable
{
    public abstract SshPublicKey PublicKey { get; }

    /// <summary>
    /// Signs <paramref name="data"/> and returns the SSH signature blob (<c>string algorithm ‖ string signature</c>).
    /// Ed25519 signs the data itself, ECDSA signs SHA-x(data), RSA uses PKCS#1 v1.5 with the algorithm's hash.
    /// </summary>
    public abstract byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data);

    /// <summary>The comment stored with the key in its file (empty for generated keys).</summary>
    public string Comment { get; internal set; } = "";

    /// <summary>Writes the key-type-specific private fields of PROTOCOL.key's private section (after the type name).</summary>
    internal abstract void WritePrivateFields(ref SshWriter writer);

    /// <summary>
    /// Generates a key: "ed25519", "ecdsa" (bits 256 by default, or 384, 521) or "rsa" (bits 3072 by default,
    /// 2048..16384). OpenSSH key type names (ssh-ed25519, ecdsa-sha2-nistp384, ssh-rsa) are accepted too.
    /// </summary>
    public static SshPrivateKey Generate(string keyType, int? bits = null)
    {
        ArgumentNullException.ThrowIfNull(keyType);
        switch (keyType.ToLowerInvariant())
        {
            case "ed25519":
            case SshKeyAlgorithms.Ed25519:
                if (bits is not null and not 256) throw new ArgumentException("Ed25519 keys have a fixed size", nameof(bits));
                return Ed25519PrivateKey.Generate();
            case "ecdsa":
                {
                    var curve = EcdsaCurve.FromBits(bits ?? 256) ?? throw new ArgumentException("ECDSA key size must be 256, 384 or 521", nameof(bits));
                    return EcdsaPrivateKey.Generate(curve);
                }
            case SshKeyAlgorithms.EcdsaNistP256:
            case SshKeyAlgorithms.EcdsaNistP384:
            case SshKeyAlgorithms.EcdsaNistP521:
                return EcdsaPrivateKey.Generate(EcdsaCurve.FromKeyType(keyType.ToLowerInvariant())!);
            case "rsa":
            case SshKeyAlgorithms.Rsa:
                return RsaPrivateKey.Generate(bits ?? 3072);
            default:
                throw new ArgumentException("unknown key type '" + SshPublicKey.Printable(keyType) + "' (use ed25519, ecdsa or rsa)", nameof(keyType));
        }
    }

    /// <summary>
    /// Loads an OpenSSH private key file ("openssh-key-v1"). <paramref name="passphraseProvider"/> is called only
    /// when the file is encrypted. PEM and PKCS#8 files are refused with a message saying how to convert them.
    /// </summary>
    public static SshPrivateKey Load(string path, Func<string?>? passphraseProvider = null)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException e) { throw new SshKeyFileException("cannot read key file " + path + ": " + e.Message, e); }
        catch (UnauthorizedAccessException e) { throw new SshKeyFileException("cannot read key file " + path + ": " + e.Message, e); }
        return Parse(text, passphraseProvider);
    }

    /// <summary>Parses the text of an OpenSSH private key file. See <see cref="Load"/>.</summary>
    public static SshPrivateKey Parse(string text, Func<string?>? passphraseProvider = null) =>
        OpenSshPrivateKeyFile.Parse(text, passphraseProvider);

    /// <summary>The unencrypted openssh-key-v1 file text (PEM-style armour, base64 wrapped at 70 columns).</summary>
    public string ToOpenSshPrivateKeyFile(string comment) => OpenSshPrivateKeyFile.Write(this, comment, null);

    /// <summary>The file text encrypted with aes256-ctr under bcrypt_pbkdf (16 rounds), as ssh-keygen writes it.</summary>
    public string ToOpenSshPrivateKeyFile(string comment, string passphrase)
    {
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        return OpenSshPrivateKeyFile.Write(this, comment, passphrase);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Refuses SHA-1 and foreign algorithms with one message shape.</summary>
    private protected static CryptographicException UnsupportedAlgorithm(string keyType, string algorithm) =>
        new("a " + keyType + " key cannot sign with " + SshPublicKey.Printable(algorithm));
}
