using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Alknet.Ssh.Keys;

/// <summary>
/// OpenBSD's bcrypt_pbkdf(3): the key derivation of passphrase-protected openssh-key-v1 files (PROTOCOL.key,
/// kdf "bcrypt"). PBKDF2-like, with SHA-512 and a bcrypt-style hash (eksblowfish) as the PRF; output bytes are
/// spread across the blocks ("stride") so that every output byte depends on every round.
/// </summary>
public static class BcryptPbkdf
{
    private const int HashSize = 32;
    private const int MaxKeyLength = 1024;

    // bcrypt's magic plaintext, encrypted 64 times under the expensive key schedule.
    private static ReadOnlySpan<byte> MagicText => "OxychromaticBlowfishSwatDynamite"u8;

    public static void DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int rounds, Span<byte> key)
    {
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), "bcrypt_pbkdf needs at least one round");
        if (key.IsEmpty || key.Length > MaxKeyLength) throw new ArgumentOutOfRangeException(nameof(key), "bcrypt_pbkdf key length must be 1..1024");
        if (salt.Length > (1 << 20)) throw new ArgumentOutOfRangeException(nameof(salt));

        int keyLength = key.Length;
        int stride = (keyLength + HashSize - 1) / HashSize;
        int amount = (keyLength + stride - 1) / stride;

        Span<byte> sha2Pass = stackalloc byte[64];
        Span<byte> sha2Salt = stackalloc byte[64];
        Span<byte> output = stackalloc byte[HashSize];
        Span<byte> temp = stackalloc byte[HashSize];
        byte[] countSalt = new byte[salt.Length + 4];
        salt.CopyTo(countSalt);
        SHA512.HashData(password, sha2Pass);
        var blowfish = new Blowfish();

        int remaining = keyLength;
        for (uint count = 1; remaining > 0; count++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(countSalt.AsSpan(salt.Length), count);
            SHA512.HashData(countSalt, sha2Salt);
            Hash(blowfish, sha2Pass, sha2Salt, temp);
            temp.CopyTo(output);
            for (int r = 1; r < rounds; r++)
            {
                SHA512.HashData(temp, sha2Salt);
                Hash(blowfish, sha2Pass, sha2Salt, temp);
                for (int k = 0; k < HashSize; k++) output[k] ^= temp[k];
            }

            amount = Math.Min(amount, remaining);
            int i;
            for (i = 0; i < amount; i++)
            {
                int dest = i * stride + (int)(count - 1);
                if (dest >= keyLength) break;
                key[dest] = output[i];
            }
            remaining -= i;
        }
        CryptographicOperations.ZeroMemory(sha2Pass);
        CryptographicOperations.ZeroMemory(output);
        CryptographicOperations.ZeroMemory(temp);
    }

    /// <summary>bcrypt_hash: eksblowfish keyed by the hashed password and salt, then the magic text encrypted 64 times.</summary>
    private static void Hash(Blowfish bf, ReadOnlySpan<byte> sha2Pass, ReadOnlySpan<byte> sha2Salt, Span<byte> output)
    {
        bf.Reset();
        bf.ExpandState(sha2Salt, sha2Pass);
        for (int i = 0; i < 64; i++)
        {
            bf.Expand0State(sha2Salt);
            bf.Expand0State(sha2Pass);
        }

        Span<uint> cdata = stackalloc uint[8];
        int j = 0;
        for (int i = 0; i < 8; i++) cdata[i] = Blowfish.StreamToWord(MagicText, ref j);
        for (int i = 0; i < 64; i++)
            for (int b = 0; b < 8; b += 2)
                bf.Encipher(ref cdata[b], ref cdata[b + 1]);

        // The output words are stored little-endian (an OpenBSD quirk that every implementation must copy).
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32LittleEndian(output[(4 * i)..], cdata[i]);
    }
}
