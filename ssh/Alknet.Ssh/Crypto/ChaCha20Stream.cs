using System.Buffers.Binary;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// A reusable ChaCha20 keystream (RFC 8439 §2.4) over one OpenSSL EVP_CIPHER_CTX. The key is set once; each
/// <see cref="Reset(ReadOnlySpan{byte})"/> only loads a new counter and nonce, so a packet costs no allocation and no
/// key schedule.
/// </summary>
/// <remarks>
/// OpenSSL's <c>EVP_chacha20</c> takes a 16-byte IV: the 32-bit little-endian block counter followed by the 96-bit
/// nonce. SSH's chacha20-poly1305@openssh.com uses the original 64-bit-counter/64-bit-nonce layout, which is the same
/// 16 bytes read as LE64(counter) ‖ 64-bit nonce; <see cref="Reset(ulong, ulong)"/> builds that form.
/// </remarks>
internal sealed unsafe class ChaCha20Stream : IDisposable
{
    public const int KeySize = 32;
    public const int IvSize = 16;
    public const int BlockSize = 64;

    private readonly EvpCipherCtxHandle _ctx;

    public ChaCha20Stream(ReadOnlySpan<byte> key)
    {
        LibCrypto.CheckLength(key.Length, KeySize, nameof(key));
        LibCrypto.EnsureAvailable();
        _ctx = EvpCipherCtxHandle.Create();
        Span<byte> zeroIv = stackalloc byte[IvSize];
        zeroIv.Clear();
        fixed (byte* k = key)
        fixed (byte* iv = zeroIv)
        {
            if (LibCrypto.EVP_EncryptInit_ex(_ctx.DangerousGetHandle(), LibCrypto.EVP_chacha20(), 0, k, iv) != 1)
            {
                _ctx.Dispose();
                LibCrypto.ThrowFailure("EVP_EncryptInit_ex(chacha20)");
            }
        }
    }

    /// <summary>Restarts the keystream at the given OpenSSL 16-byte IV (LE32 counter ‖ 96-bit nonce).</summary>
    public void Reset(ReadOnlySpan<byte> iv)
    {
        LibCrypto.CheckLength(iv.Length, IvSize, nameof(iv));
        bool added = false;
        _ctx.DangerousAddRef(ref added);
        try
        {
            fixed (byte* p = iv)
            {
                // NULL cipher and key keep the existing key schedule; only the IV (counter + nonce) is replaced.
                if (LibCrypto.EVP_EncryptInit_ex(_ctx.DangerousGetHandle(), 0, 0, null, p) != 1)
                {
                    LibCrypto.ThrowFailure("EVP_EncryptInit_ex(chacha20 iv)");
                }
            }
        }
        finally
        {
            _ctx.DangerousRelease();
        }
    }

    /// <summary>Restarts at block <paramref name="counter"/> with SSH's 64-bit nonce: IV = LE64(counter) ‖ BE64(nonce).</summary>
    public void Reset(ulong counter, ulong nonce)
    {
        Span<byte> iv = stackalloc byte[IvSize];
        BinaryPrimitives.WriteUInt64LittleEndian(iv, counter);
        BinaryPrimitives.WriteUInt64BigEndian(iv[8..], nonce);
        Reset(iv);
    }

    /// <summary>
    /// XORs <paramref name="input"/> with the next keystream bytes into <paramref name="output"/> (same length;
    /// the two may be the same memory). The position carries over between calls until the next reset.
    /// </summary>
    public void Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length != input.Length)
        {
            LibCrypto.CheckLength(output.Length, input.Length, nameof(output));
        }

        if (input.IsEmpty)
        {
            return;
        }

        bool added = false;
        _ctx.DangerousAddRef(ref added);
        try
        {
            fixed (byte* i = input)
            fixed (byte* o = output)
            {
                int written = 0;
                if (LibCrypto.EVP_EncryptUpdate(_ctx.DangerousGetHandle(), o, &written, i, input.Length) != 1 || written != input.Length)
                {
                    LibCrypto.ThrowFailure("EVP_EncryptUpdate(chacha20)");
                }
            }
        }
        finally
        {
            _ctx.DangerousRelease();
        }
    }

    public void Dispose() => _ctx.Dispose();
}
