using System.Security.Cryptography;

namespace Alknet.Ssh.Keys;

/// <summary>
/// The ciphers an openssh-key-v1 private section may be encrypted with (PROTOCOL.key): aes256-ctr and
/// aes256-gcm@openssh.com (16-byte tag appended after the encrypted string, no associated data), keyed from
/// bcrypt_pbkdf output split into key ‖ IV.
/// </summary>
internal static class KeyFileCipher
{
    public const string None = "none";
    public const string Aes256Ctr = "aes256-ctr";
    public const string Aes256Gcm = "aes256-gcm@openssh.com";
    public const int KeySize = 32;

    public static int BlockSize(string cipher) => cipher == None ? 8 : 16;
    public static int IvSize(string cipher) => cipher == Aes256Gcm ? 12 : 16;
    public static int TagSize(string cipher) => cipher == Aes256Gcm ? 16 : 0;
    public static bool IsSupported(string cipher) => cipher is None or Aes256Ctr or Aes256Gcm;

    /// <summary>AES-CTR with a 128-bit big-endian counter (RFC 4344 §4), encrypt and decrypt being the same.</summary>
    public static void AesCtr(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        Span<byte> counter = stackalloc byte[16];
        Span<byte> stream = stackalloc byte[16];
        iv.CopyTo(counter);
        for (int offset = 0; offset < input.Length; offset += 16)
        {
            aes.EncryptEcb(counter, stream, PaddingMode.None);
            int n = Math.Min(16, input.Length - offset);
            for (int i = 0; i < n; i++) output[offset + i] = (byte)(input[offset + i] ^ stream[i]);
            for (int i = 15; i >= 0 && ++counter[i] == 0; i--) { }
        }
    }

    /// <summary>Decrypts in place; false when the GCM tag does not verify (a wrong passphrase).</summary>
    public static bool Decrypt(string cipher, ReadOnlySpan<byte> keyAndIv, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        var key = keyAndIv[..KeySize];
        var iv = keyAndIv.Slice(KeySize, IvSize(cipher));
        if (cipher == Aes256Ctr)
        {
            AesCtr(key, iv, data, data);
            return true;
        }
        using var gcm = new AesGcm(key, 16);
        try
        {
            gcm.Decrypt(iv, data, tag, data);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    /// <summary>Encrypts in place (aes256-ctr only: that is what we write).</summary>
    public static void EncryptCtr(ReadOnlySpan<byte> keyAndIv, Span<byte> data) =>
        AesCtr(keyAndIv[..KeySize], keyAndIv.Slice(KeySize, 16), data, data);
}
