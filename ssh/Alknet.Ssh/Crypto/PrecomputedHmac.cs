using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// HMAC-SHA-256 / HMAC-SHA-512 (RFC 2104, FIPS 180-4) with the keyed inner and outer hash states computed once per
/// key, as RFC 2104 §4 suggests: a MAC then costs one state copy plus the compression of the message and of one
/// outer block, with no per-message key setup.
/// </summary>
/// <remarks>
/// <para>Why not <see cref="IncrementalHash"/>: its fixed cost per HMAC (≈ 1 µs on the reference machine) is more
/// than the hashing of a 1 KiB packet itself. This class drives libcrypto's SHA256_/SHA512_ functions directly on
/// caller-owned SHA256_CTX/SHA512_CTX memory (plain structs in OpenSSL 3's <c>sha.h</c>), which halves the cost of a
/// 1 KiB packet's MAC.</para>
/// <para>The three states and the inner digest live in one pinned array, so the native calls get stable pointers
/// without pinning per call. The keyed states are as secret as the key: the array is wiped on dispose.</para>
/// </remarks>
internal sealed unsafe class PrecomputedHmac : IDisposable
{
    // sizeof(SHA256_CTX) = h[8] + Nl, Nh + data[16] (32-bit words) + num, md_len = 112 bytes.
    private const int Sha256StateSize = 112;

    // sizeof(SHA512_CTX) = h[8] + Nl, Nh (64-bit words) + a 128-byte block + num, md_len = 216 bytes.
    private const int Sha512StateSize = 216;

    private readonly bool _sha512;
    private readonly int _stateSize;
    private readonly byte[] _memory;
    private readonly byte* _inner;
    private readonly byte* _outer;
    private readonly byte* _work;
    private readonly byte* _innerDigest;
    private bool _disposed;

    /// <param name="sha512">SHA-512 (block 128, digest 64) instead of SHA-256 (block 64, digest 32).</param>
    /// <param name="key">Any length; longer than the block size it is hashed first (RFC 2104 §2).</param>
    public PrecomputedHmac(bool sha512, scoped ReadOnlySpan<byte> key)
    {
        LibCrypto.EnsureAvailable();
        _sha512 = sha512;
        _stateSize = sha512 ? Sha512StateSize : Sha256StateSize;
        HashLength = sha512 ? 64 : 32;
        int block = sha512 ? 128 : 64;

        // inner ‖ outer ‖ work ‖ inner digest, each state rounded up to 8 bytes (SHA512_CTX holds 64-bit words).
        int stride = (_stateSize + 7) & ~7;
        _memory = GC.AllocateArray<byte>((3 * stride) + HashLength, pinned: true);
        byte* p = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_memory));
        _inner = p;
        _outer = p + stride;
        _work = p + (2 * stride);
        _innerDigest = p + (3 * stride);

        Span<byte> pad = stackalloc byte[block];
        Span<byte> hashedKey = stackalloc byte[HashLength];
        try
        {
            if (key.Length > block)
            {
                if (sha512)
                {
                    SHA512.HashData(key, hashedKey);
                }
                else
                {
                    SHA256.HashData(key, hashedKey);
                }

                key = hashedKey;
            }

            InitKeyed(_inner, key, pad, 0x36);
            InitKeyed(_outer, key, pad, 0x5c);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pad);
            CryptographicOperations.ZeroMemory(hashedKey);
        }
    }

    /// <summary>Digest (and MAC) length in bytes: 32 or 64.</summary>
    public int HashLength { get; }

    /// <summary>mac = HMAC(key, data).</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> mac) => Compute(default, data, mac);

    /// <summary>mac = HMAC(key, prefix ‖ data), without copying the two parts together.</summary>
    public void Compute(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        LibCrypto.CheckLength(mac.Length, HashLength, nameof(mac));
        ObjectDisposedException.ThrowIf(_disposed, this);
        fixed (byte* pre = prefix)
        fixed (byte* d = data)
        fixed (byte* m = mac)
        {
            // Inner: H((K ^ ipad) ‖ message), resumed from the precomputed state of the first block.
            Buffer.MemoryCopy(_inner, _work, _stateSize, _stateSize);
            if (!prefix.IsEmpty)
            {
                UpdateShort(pre, prefix.Length);
            }

            if (!data.IsEmpty)
            {
                Update(d, data.Length);
            }

            Final(_innerDigest);

            // Outer: H((K ^ opad) ‖ inner digest).
            Buffer.MemoryCopy(_outer, _work, _stateSize, _stateSize);
            UpdateShort(_innerDigest, HashLength);
            Final(m);
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_memory);
        }
    }

    private void InitKeyed(byte* state, ReadOnlySpan<byte> key, Span<byte> pad, byte xor)
    {
        pad.Fill(xor);
        for (int i = 0; i < key.Length; i++)
        {
            pad[i] ^= key[i];
        }

        int ok = _sha512 ? LibCrypto.SHA512_Init(state) : LibCrypto.SHA256_Init(state);
        fixed (byte* p = pad)
        {
            ok &= _sha512 ? LibCrypto.SHA512_Update(state, p, (nuint)pad.Length) : LibCrypto.SHA256_Update(state, p, (nuint)pad.Length);
        }

        if (ok != 1)
        {
            LibCrypto.ThrowFailure("SHA_Init/SHA_Update (HMAC key)");
        }
    }

    /// <summary>Hashes message bytes of any length (a whole packet): a normal P/Invoke, as it may run for tens of µs.</summary>
    private void Update(byte* data, int length)
    {
        int ok = _sha512 ? LibCrypto.SHA512_Update(_work, data, (nuint)length) : LibCrypto.SHA256_Update(_work, data, (nuint)length);
        if (ok != 1)
        {
            LibCrypto.ThrowFailure("SHA_Update");
        }
    }

    /// <summary>Hashes a few bytes (sequence number, inner digest): at most one compression, so no GC transition.</summary>
    private void UpdateShort(byte* data, int length)
    {
        int ok = _sha512 ? LibCrypto.SHA512_UpdateShort(_work, data, (nuint)length) : LibCrypto.SHA256_UpdateShort(_work, data, (nuint)length);
        if (ok != 1)
        {
            LibCrypto.ThrowFailure("SHA_Update");
        }
    }

    private void Final(byte* digest)
    {
        int ok = _sha512 ? LibCrypto.SHA512_Final(digest, _work) : LibCrypto.SHA256_Final(digest, _work);
        if (ok != 1)
        {
            LibCrypto.ThrowFailure("SHA_Final");
        }
    }
}
