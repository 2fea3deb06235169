using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>
/// OpenSSH's private key file format (PROTOCOL.key): armoured base64 of
/// <c>"openssh-key-v1\0" ‖ string cipher ‖ string kdf ‖ string kdf_options ‖ uint32 N (=1) ‖ string public_key ‖
/// string encrypted_section [‖ tag]</c>; the section is <c>uint32 check ‖ uint32 check ‖ string type ‖ fields ‖
/// string comment ‖ padding 1,2,3…</c>. Equal check integers are how a wrong passphrase is detected.
/// </summary>
internal static class OpenSshPrivateKeyFile
{
    private const string Begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private const string End = "-----END OPENSSH PRIVATE KEY-----";
    private const string Kdf = "bcrypt";
    private const int WriteRounds = 16;
    private const int MaxRounds = 1 << 16;
    private static ReadOnlySpan<byte> Magic => "openssh-key-v1\0"u8;

    internal const string ConvertHint =
        "Alknet reads only OpenSSH-format private keys; convert this one in place with `ssh-keygen -p -f KEY` " +
        "(it rewrites the key in OpenSSH format, keeping or changing its passphrase)";

    public static SshPrivateKey Parse(string text, Func<string?>? passphraseProvider)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.AsSpan().Trim();
        int begin = trimmed.IndexOf(Begin, StringComparison.Ordinal);
        if (begin < 0)
        {
            int other = trimmed.IndexOf("-----BEGIN ", StringComparison.Ordinal);
            if (other >= 0)
            {
                var label = trimmed[(other + 11)..];
                int dash = label.IndexOf("-----", StringComparison.Ordinal);
                string name = dash > 0 && dash < 40 ? label[..dash].ToString() : "PEM";
                throw new SshKeyFileException("unsupported key file format (" + name + "). " + ConvertHint);
            }
            if (trimmed.StartsWith("PuTTY-User-Key-File", StringComparison.Ordinal))
                throw new SshKeyFileException("PuTTY key files are not supported; export an OpenSSH key with `puttygen KEY -O private-openssh-new -o NEWKEY`");
            throw new SshKeyFileException("not an OpenSSH private key file (expected " + Begin + ")");
        }
        var body = trimmed[(begin + Begin.Length)..];
        int end = body.IndexOf(End, StringComparison.Ordinal);
        if (end < 0) throw new SshKeyFileException("OpenSSH private key file has no END line");
        byte[] data;
        try { data = Convert.FromBase64String(body[..end].ToString()); }
        catch (FormatException e) { throw new SshKeyFileException("OpenSSH private key file has invalid base64", e); }
        try
        {
            return Decode(data, passphraseProvider);
        }
        catch (SshProtocolException e)
        {
            throw new SshKeyFileException("malformed OpenSSH private key (" + e.Message + ")", e);
        }
        catch (FormatException e)
        {
            throw new SshKeyFileException("malformed OpenSSH private key (" + e.Message + ")", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    private static SshPrivateKey Decode(byte[] data, Func<string?>? passphraseProvider)
    {
        if (!data.AsSpan().StartsWith(Magic)) throw new SshKeyFileException("not an openssh-key-v1 file (bad magic)");
        var r = new SshReader(data.AsSpan(Magic.Length));
        string cipher = r.ReadAsciiString();
        string kdf = r.ReadAsciiString();
        var kdfOptions = r.ReadString();
        uint count = r.ReadUInt32();
        if (count != 1) throw new SshKeyFileException("key files holding " + count + " keys are not supported");
        var publicBlob = r.ReadString();
        uint encryptedLength = r.ReadUInt32();
        if (!KeyFileCipher.IsSupported(cipher))
            throw new SshKeyFileException("unsupported key file cipher " + SshPublicKey.Printable(cipher) + " (supported: aes256-ctr, aes256-gcm@openssh.com). " + ConvertHint);
        int tagSize = KeyFileCipher.TagSize(cipher);
        if ((long)encryptedLength + tagSize != r.Remaining) throw new SshKeyFileException("key file length fields are inconsistent");
        int blockSize = KeyFileCipher.BlockSize(cipher);
        if (encryptedLength % blockSize != 0) throw new SshKeyFileException("private section is not a multiple of the cipher block size");

        byte[] section = r.ReadBytes((int)encryptedLength).ToArray();
        var tag = r.ReadBytes(tagSize);
        bool encrypted = cipher != KeyFileCipher.None;
        try
        {
            if (encrypted)
            {
                if (kdf != Kdf) throw new SshKeyFileException("unsupported key derivation " + SshPublicKey.Printable(kdf));
                var o = new SshReader(kdfOptions);
                var salt = o.ReadString();
                uint rounds = o.ReadUInt32();
                o.EnsureEnd();
                if (rounds is 0 or > MaxRounds) throw new SshKeyFileException("bcrypt rounds out of range: " + rounds);
                string passphrase = passphraseProvider?.Invoke()
                    ?? throw new SshKeyFileException("the key file is passphrase-protected and no passphrase was given");
                var keyAndIv = new byte[KeyFileCipher.KeySize + KeyFileCipher.IvSize(cipher)];
                var pass = Encoding.UTF8.GetBytes(passphrase);
                BcryptPbkdf.DeriveKey(pass, salt, (int)rounds, keyAndIv);
                CryptographicOperations.ZeroMemory(pass);
                bool ok = KeyFileCipher.Decrypt(cipher, keyAndIv, section, tag);
                CryptographicOperations.ZeroMemory(keyAndIv);
                if (!ok) throw new IncorrectPassphraseException();
            }
            else if (kdf != KeyFileCipher.None || !kdfOptions.IsEmpty)
            {
                throw new SshKeyFileException("unencrypted key file names a key derivation");
            }
            return DecodeSection(section, encrypted, blockSize, publicBlob);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(section);
        }
    }

    private static SshPrivateKey DecodeSection(byte[] section, bool encrypted, int blockSize, ReadOnlySpan<byte> publicBlob)
    {
        var s = new SshReader(section);
        uint check1 = s.ReadUInt32();
        uint check2 = s.ReadUInt32();
        if (check1 != check2)
        {
            if (encrypted) throw new IncorrectPassphraseException();
            throw new SshKeyFileException("private section check integers differ");
        }
        string type = s.ReadAsciiString();
        SshPrivateKey key = type switch
        {
            SshKeyAlgorithms.Ed25519 => Ed25519PrivateKey.ReadPrivateFields(ref s),
            SshKeyAlgorithms.EcdsaNistP256 or SshKeyAlgorithms.EcdsaNistP384 or SshKeyAlgorithms.EcdsaNistP521
                => EcdsaPrivateKey.ReadPrivateFields(type, ref s),
            SshKeyAlgorithms.Rsa => RsaPrivateKey.ReadPrivateFields(ref s),
            _ => throw new SshKeyFileException("unsupported private key type " + SshPublicKey.Printable(type)),
        };
        try
        {
            key.Comment = s.ReadUtf8String();
            var padding = s.RemainingSpan;
            if (padding.Length >= blockSize) throw new SshKeyFileException("private section has too much padding");
            for (int i = 0; i < padding.Length; i++)
                if (padding[i] != (byte)(i + 1)) throw new SshKeyFileException("private section padding is not 1, 2, 3, …");
            if (!key.PublicKey.Blob.Span.SequenceEqual(publicBlob))
                throw new SshKeyFileException("the private key does not match the public key stored in the same file");
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public static string Write(SshPrivateKey key, string comment, string? passphrase)
    {
        ArgumentNullException.ThrowIfNull(key);
        comment ??= "";
        bool encrypt = passphrase is not null;
        string cipher = encrypt ? KeyFileCipher.Aes256Ctr : KeyFileCipher.None;
        int blockSize = KeyFileCipher.BlockSize(cipher);
        byte[] salt = encrypt ? RandomNumberGenerator.GetBytes(16) : [];

        var sectionBuffer = new ArrayBufferWriter<byte>(4096);
        var s = new SshWriter(sectionBuffer);
        uint check = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
        s.WriteUInt32(check);
        s.WriteUInt32(check);
        s.WriteString(key.PublicKey.KeyType);
        key.WritePrivateFields(ref s);
        s.WriteString(comment);
        int length = (int)s.BytesWritten;
        for (byte pad = 1; (length + pad - 1) % blockSize != 0; pad++) s.WriteByte(pad);
        s.Commit();
        byte[] section = sectionBuffer.WrittenSpan.ToArray();
        sectionBuffer.Clear();

        if (encrypt)
        {
            var keyAndIv = new byte[KeyFileCipher.KeySize + 16];
            var pass = Encoding.UTF8.GetBytes(passphrase!);
            BcryptPbkdf.DeriveKey(pass, salt, WriteRounds, keyAndIv);
            CryptographicOperations.ZeroMemory(pass);
            KeyFileCipher.EncryptCtr(keyAndIv, section);
            CryptographicOperations.ZeroMemory(keyAndIv);
        }

        var fileBuffer = new ArrayBufferWriter<byte>(section.Length + 512);
        fileBuffer.Write(Magic);
        var w = new SshWriter(fileBuffer);
        w.WriteString(cipher);
        w.WriteString(encrypt ? Kdf : KeyFileCipher.None);
        if (encrypt)
        {
            var options = KeyEncoding.Build(salt, static (ref SshWriter o, byte[] sl) =>
            {
                o.WriteString(sl);
                o.WriteUInt32(WriteRounds);
            });
            w.WriteString(options);
        }
        else
        {
            w.WriteString(ReadOnlySpan<byte>.Empty);
        }
        w.WriteUInt32(1);
        w.WriteString(key.PublicKey.Blob.Span);
        w.WriteString(section);
        w.Commit();
        CryptographicOperations.ZeroMemory(section);

        string b64 = Convert.ToBase64String(fileBuffer.WrittenSpan);
        var sb = new StringBuilder(b64.Length + 100);
        sb.Append(Begin).Append('\n');
        for (int i = 0; i < b64.Length; i += 70) sb.Append(b64, i, Math.Min(70, b64.Length - i)).Append('\n');
        sb.Append(End).Append('\n');
        return sb.ToString();
    }
}
