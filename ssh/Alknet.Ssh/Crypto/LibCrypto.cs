using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// The algorithms the .NET BCL lacks (X25519, Ed25519, raw ChaCha20 and Poly1305), plus AES-GCM with a reusable
/// context (the BCL's per-call overhead triples the cost of a 1 KiB packet) and SHA-256/512 on caller-owned states
/// (for <see cref="PrecomputedHmac"/>, whose per-packet cost IncrementalHash doubles), from the OpenSSL libcrypto
/// that .NET on Linux already loads (OpenSSL 3: RFC 7748 X25519, RFC 8032 Ed25519, RFC 8439 ChaCha20/Poly1305).
/// </summary>
/// <remarks>
/// Every native object is freed in a <c>finally</c> (one-shot operations) or owned by a <see cref="SafeHandle"/>
/// (the per-packet contexts in <see cref="ChaCha20Stream"/>, <see cref="Poly1305Mac"/> and the AES-GCM packet cipher).
/// On failure the OpenSSL error queue is cleared so that it cannot leak into the BCL's own use of the same library.
/// </remarks>
public static unsafe partial class LibCrypto
{
    /// <summary>The shared object name; the Debian package that ships it is <c>libssl3</c> (or <c>libssl3t64</c>).</summary>
    public const string LibraryName = "libcrypto.so.3";

    /// <summary>OpenSSL NID_X25519.</summary>
    internal const int NidX25519 = 1034;

    /// <summary>OpenSSL NID_ED25519.</summary>
    internal const int NidEd25519 = 1087;

    private const int KeySize = 32;
    private const int Ed25519SignatureSize = 64;

    // Every symbol this class (and the contexts built on it) calls; checked once so that a missing one
    // is reported by name instead of as an EntryPointNotFoundException in the middle of a key exchange.
    private static readonly string[] RequiredSymbols =
    [
        "EVP_PKEY_new_raw_private_key", "EVP_PKEY_new_raw_public_key", "EVP_PKEY_get_raw_public_key", "EVP_PKEY_free",
        "EVP_PKEY_CTX_new", "EVP_PKEY_CTX_free", "EVP_PKEY_derive_init", "EVP_PKEY_derive_set_peer", "EVP_PKEY_derive",
        "EVP_MD_CTX_new", "EVP_MD_CTX_free", "EVP_DigestSignInit", "EVP_DigestSign", "EVP_DigestVerifyInit",
        "EVP_DigestVerify", "EVP_chacha20", "EVP_CIPHER_CTX_new", "EVP_CIPHER_CTX_free", "EVP_EncryptInit_ex",
        "EVP_EncryptUpdate", "EVP_MAC_fetch", "EVP_MAC_free", "EVP_MAC_CTX_new", "EVP_MAC_CTX_free", "EVP_MAC_init",
        "EVP_MAC_update", "EVP_MAC_final", "ERR_clear_error",
        "EVP_aes_128_gcm", "EVP_aes_256_gcm", "EVP_EncryptFinal_ex", "EVP_DecryptInit_ex", "EVP_DecryptUpdate",
        "EVP_DecryptFinal_ex", "EVP_CIPHER_CTX_ctrl",
        "SHA256_Init", "SHA256_Update", "SHA256_Final", "SHA512_Init", "SHA512_Update", "SHA512_Final",
    ];

    private static readonly Lazy<PlatformNotSupportedException?> LoadError = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    // EVP_MAC is a fetched, reference-counted algorithm object; fetching it once per process is OpenSSL's advice
    // (fetching per use costs a provider lookup). It lives as long as the process.
    private static nint s_poly1305;

    /// <summary>Throws a clear error when libcrypto.so.3 cannot be loaded or lacks an algorithm.</summary>
    public static void EnsureAvailable()
    {
        PlatformNotSupportedException? error = LoadError.Value;
        if (error is not null)
        {
            throw error;
        }
    }

    /// <summary>Fills a fresh X25519 private key (32 bytes) and its public key (32 bytes).</summary>
    public static void X25519GenerateKeyPair(Span<byte> privateKey, Span<byte> publicKey)
    {
        CheckLength(privateKey.Length, KeySize, nameof(privateKey));
        CheckLength(publicKey.Length, KeySize, nameof(publicKey));
        EnsureAvailable();
        // RFC 7748 §6.1: the private key is 32 random bytes (clamping happens inside X25519 itself).
        RandomNumberGenerator.Fill(privateKey);
        RawPublicKey(NidX25519, privateKey, publicKey);
    }

    /// <summary>RFC 7748 X25519. Returns false when the result is all zeros (a low-order peer point).</summary>
    public static bool X25519(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        CheckLength(privateKey.Length, KeySize, nameof(privateKey));
        CheckLength(peerPublicKey.Length, KeySize, nameof(peerPublicKey));
        CheckLength(sharedSecret.Length, KeySize, nameof(sharedSecret));
        EnsureAvailable();

        nint key = 0, peer = 0, ctx = 0;
        try
        {
            fixed (byte* priv = privateKey)
            fixed (byte* pub = peerPublicKey)
            fixed (byte* secret = sharedSecret)
            {
                key = EVP_PKEY_new_raw_private_key(NidX25519, 0, priv, KeySize);
                peer = EVP_PKEY_new_raw_public_key(NidX25519, 0, pub, KeySize);
                if (key == 0 || peer == 0)
                {
                    ThrowFailure("EVP_PKEY_new_raw_*_key(X25519)");
                }

                ctx = EVP_PKEY_CTX_new(key, 0);
                if (ctx == 0 || EVP_PKEY_derive_init(ctx) != 1)
                {
                    ThrowFailure("EVP_PKEY_derive_init(X25519)");
                }

                // OpenSSL itself refuses an all-zero result (RFC 7748 §6.1 "check"), which makes set_peer or
                // derive fail for a low-order point: that is the peer's fault, so it is reported as false.
                nuint length = KeySize;
                if (EVP_PKEY_derive_set_peer(ctx, peer) != 1 || EVP_PKEY_derive(ctx, secret, &length) != 1 || length != KeySize)
                {
                    ERR_clear_error();
                    sharedSecret.Clear();
                    return false;
                }
            }

            // Belt and braces: never hand an all-zero secret to the key exchange, whatever the library did.
            return !IsAllZero(sharedSecret);
        }
        finally
        {
            if (ctx != 0)
            {
                EVP_PKEY_CTX_free(ctx);
            }

            if (peer != 0)
            {
                EVP_PKEY_free(peer);
            }

            if (key != 0)
            {
                EVP_PKEY_free(key);
            }
        }
    }

    /// <summary>Derives the 32-byte Ed25519 public key from a 32-byte seed.</summary>
    public static void Ed25519PublicKeyFromSeed(ReadOnlySpan<byte> seed, Span<byte> publicKey)
    {
        CheckLength(seed.Length, KeySize, nameof(seed));
        CheckLength(publicKey.Length, KeySize, nameof(publicKey));
        EnsureAvailable();
        RawPublicKey(NidEd25519, seed, publicKey);
    }

    /// <summary>RFC 8032 Ed25519 signature (64 bytes) of <paramref name="message"/>.</summary>
    public static void Ed25519Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        CheckLength(seed.Length, KeySize, nameof(seed));
        CheckLength(signature.Length, Ed25519SignatureSize, nameof(signature));
        EnsureAvailable();

        nint key = 0, md = 0;
        byte empty = 0;
        try
        {
            fixed (byte* s = seed)
            fixed (byte* m = message)
            fixed (byte* sig = signature)
            {
                key = EVP_PKEY_new_raw_private_key(NidEd25519, 0, s, KeySize);
                md = EVP_MD_CTX_new();
                if (key == 0 || md == 0)
                {
                    ThrowFailure("EVP_PKEY_new_raw_private_key(Ed25519)");
                }

                // Ed25519 is "pure": it hashes internally, so the digest argument must be NULL.
                nuint length = Ed25519SignatureSize;
                if (EVP_DigestSignInit(md, 0, 0, 0, key) != 1
                    || EVP_DigestSign(md, sig, &length, m == null ? &empty : m, (nuint)message.Length) != 1
                    || length != Ed25519SignatureSize)
                {
                    ThrowFailure("EVP_DigestSign(Ed25519)");
                }
            }
        }
        finally
        {
            if (md != 0)
            {
                EVP_MD_CTX_free(md);
            }

            if (key != 0)
            {
                EVP_PKEY_free(key);
            }
        }
    }

    /// <summary>RFC 8032 Ed25519 verification. False for a bad signature, a malformed key or a wrong length.</summary>
    public static bool Ed25519Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != KeySize || signature.Length != Ed25519SignatureSize)
        {
            return false;
        }

        EnsureAvailable();
        nint key = 0, md = 0;
        byte empty = 0;
        try
        {
            fixed (byte* pub = publicKey)
            fixed (byte* m = message)
            fixed (byte* sig = signature)
            {
                key = EVP_PKEY_new_raw_public_key(NidEd25519, 0, pub, KeySize);
                md = EVP_MD_CTX_new();
                if (key == 0 || md == 0 || EVP_DigestVerifyInit(md, 0, 0, 0, key) != 1)
                {
                    ERR_clear_error();
                    return false;
                }

                // 1 = valid, 0 = invalid, negative = error (e.g. a point that does not decode): all but 1 reject.
                int result = EVP_DigestVerify(md, sig, Ed25519SignatureSize, m == null ? &empty : m, (nuint)message.Length);
                if (result != 1)
                {
                    ERR_clear_error();
                    return false;
                }

                return true;
            }
        }
        finally
        {
            if (md != 0)
            {
                EVP_MD_CTX_free(md);
            }

            if (key != 0)
            {
                EVP_PKEY_free(key);
            }
        }
    }

    /// <summary>
    /// One-shot RFC 8439 ChaCha20 (32-bit counter, 96-bit nonce): XORs <paramref name="input"/> with the keystream
    /// starting at block <paramref name="counter"/>. For tests and occasional use; packets use <see cref="ChaCha20Stream"/>.
    /// </summary>
    public static void ChaCha20(ReadOnlySpan<byte> key, uint counter, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> input, Span<byte> output)
    {
        CheckLength(nonce.Length, 12, nameof(nonce));
        Span<byte> iv = stackalloc byte[ChaCha20Stream.IvSize];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(iv, counter);
        nonce.CopyTo(iv[4..]);
        using var stream = new ChaCha20Stream(key);
        stream.Reset(iv);
        stream.Transform(input, output);
    }

    /// <summary>One-shot RFC 8439 Poly1305: a 16-byte tag of <paramref name="message"/> under a one-time 32-byte key.</summary>
    public static void Poly1305(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> tag)
    {
        using var mac = new Poly1305Mac();
        mac.Init(key);
        mac.Update(message);
        mac.Final(tag);
    }

    /// <summary>The process-wide fetched POLY1305 EVP_MAC (valid after <see cref="EnsureAvailable"/>).</summary>
    internal static nint Poly1305Algorithm
    {
        get
        {
            EnsureAvailable();
            return s_poly1305;
        }
    }

    private static PlatformNotSupportedException? Probe()
    {
        if (!NativeLibrary.TryLoad(LibraryName, typeof(LibCrypto).Assembly, null, out nint handle))
        {
            return new PlatformNotSupportedException(
                $"Cannot load {LibraryName} (OpenSSL 3 libcrypto), which provides X25519, Ed25519, ChaCha20 and Poly1305. " +
                "Install the Debian package libssl3 (libssl3t64 on newer releases).");
        }

        foreach (string symbol in RequiredSymbols)
        {
            if (!NativeLibrary.TryGetExport(handle, symbol, out _))
            {
                return new PlatformNotSupportedException(
                    $"{LibraryName} lacks the function {symbol}; OpenSSL 3.0 or newer is required (Debian package libssl3).");
            }
        }

        try
        {
            if (EVP_chacha20() == 0)
            {
                ERR_clear_error();
                return new PlatformNotSupportedException($"{LibraryName} has no ChaCha20 cipher (EVP_chacha20 returned NULL).");
            }

            nint poly;
            fixed (byte* name = "POLY1305\0"u8)
            {
                poly = EVP_MAC_fetch(0, name, null);
            }

            if (poly == 0)
            {
                ERR_clear_error();
                return new PlatformNotSupportedException($"{LibraryName} has no POLY1305 MAC in its default provider.");
            }

            s_poly1305 = poly;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return new PlatformNotSupportedException($"Cannot bind to {LibraryName}: {e.Message} (Debian package libssl3).", e);
        }

        return null;
    }

    private static void RawPublicKey(int nid, ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        nint key = 0;
        try
        {
            fixed (byte* priv = privateKey)
            fixed (byte* pub = publicKey)
            {
                key = EVP_PKEY_new_raw_private_key(nid, 0, priv, KeySize);
                nuint length = KeySize;
                if (key == 0 || EVP_PKEY_get_raw_public_key(key, pub, &length) != 1 || length != KeySize)
                {
                    ThrowFailure("EVP_PKEY_get_raw_public_key");
                }
            }
        }
        finally
        {
            if (key != 0)
            {
                EVP_PKEY_free(key);
            }
        }
    }

    private static bool IsAllZero(ReadOnlySpan<byte> value)
    {
        // Constant time in the value: OR every byte together instead of stopping at the first non-zero one.
        int acc = 0;
        foreach (byte b in value)
        {
            acc |= b;
        }

        return acc == 0;
    }

    internal static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, name);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int actual, int expected, string name) =>
        throw new ArgumentException($"Expected {expected} bytes, got {actual}.", name);

    [MethodImpl(MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    internal static void ThrowFailure(string operation)
    {
        ERR_clear_error();
        throw new CryptographicException($"{LibraryName}: {operation} failed.");
    }

    // ---- libcrypto entry points (OpenSSL 3.0 ABI). All arguments are blittable: the generated stubs do no marshalling.

    [LibraryImport(LibraryName)]
    internal static partial nint EVP_PKEY_new_raw_private_key(int type, nint engine, byte* key, nuint keylen);

    [LibraryImport(LibraryName)]
    internal static partial nint EVP_PKEY_new_raw_public_key(int type, nint engine, byte* key, nuint keylen);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_PKEY_get_raw_public_key(nint pkey, byte* pub, nuint* len);

    [LibraryImport(LibraryName)]
    internal static partial void EVP_PKEY_free(nint pkey);

    [LibraryImport(LibraryName)]
    internal static partial nint EVP_PKEY_CTX_new(nint pkey, nint engine);

    [LibraryImport(LibraryName)]
    internal static partial void EVP_PKEY_CTX_free(nint ctx);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_PKEY_derive_init(nint ctx);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_PKEY_derive_set_peer(nint ctx, nint peer);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_PKEY_derive(nint ctx, byte* key, nuint* keylen);

    [LibraryImport(LibraryName)]
    internal static partial nint EVP_MD_CTX_new();

    [LibraryImport(LibraryName)]
    internal static partial void EVP_MD_CTX_free(nint ctx);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_DigestSignInit(nint ctx, nint pctx, nint type, nint engine, nint pkey);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_DigestSign(nint ctx, byte* sigret, nuint* siglen, byte* tbs, nuint tbslen);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_DigestVerifyInit(nint ctx, nint pctx, nint type, nint engine, nint pkey);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_DigestVerify(nint ctx, byte* sig, nuint siglen, byte* tbs, nuint tbslen);

    [LibraryImport(LibraryName)]
    internal static partial nint EVP_chacha20();

    [LibraryImport(LibraryName)]
    internal static partial nint EVP_CIPHER_CTX_new();

    [LibraryImport(LibraryName)]
    internal static partial void EVP_CIPHER_CTX_free(nint ctx);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_EncryptInit_ex(nint ctx, nint cipher, nint engine, byte* key, byte* iv);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_EncryptUpdate(nint ctx, byte* output, int* outl, byte* input, int inl);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_EncryptFinal_ex(nint ctx, byte* output, int* outl);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_DecryptInit_ex(nint ctx, nint cipher, nint engine, byte* key, byte* iv);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_DecryptUpdate(nint ctx, byte* output, int* outl, byte* input, int inl);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_DecryptFinal_ex(nint ctx, byte* output, int* outl);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_CIPHER_CTX_ctrl(nint ctx, int type, int arg, byte* ptr);

    [LibraryImport(LibraryName)]
    internal static partial nint EVP_aes_128_gcm();

    [LibraryImport(LibraryName)]
    internal static partial nint EVP_aes_256_gcm();

    [LibraryImport(LibraryName)]
    internal static partial nint EVP_MAC_fetch(nint libctx, byte* algorithm, byte* properties);

    [LibraryImport(LibraryName)]
    internal static partial void EVP_MAC_free(nint mac);

    [LibraryImport(LibraryName)]
    internal static partial nint EVP_MAC_CTX_new(nint mac);

    [LibraryImport(LibraryName)]
    internal static partial void EVP_MAC_CTX_free(nint ctx);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_MAC_init(nint ctx, byte* key, nuint keylen, nint parameters);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_MAC_update(nint ctx, byte* data, nuint datalen);

    [LibraryImport(LibraryName)]
    internal static partial int EVP_MAC_final(nint ctx, byte* output, nuint* outl, nuint outsize);

    // The same three calls for one packet's Poly1305 (Poly1305Mac.Compute, at most ShortMacInput bytes): each computes
    // for well under a microsecond (1 KiB ≈ 0.1 µs), never blocks and never calls back into managed code, which is
    // what SuppressGCTransition requires.
    internal const int ShortMacInput = 2048;

    [LibraryImport(LibraryName, EntryPoint = "EVP_MAC_init")]
    [SuppressGCTransition]
    internal static partial int EVP_MAC_initShort(nint ctx, byte* key, nuint keylen, nint parameters);

    [LibraryImport(LibraryName, EntryPoint = "EVP_MAC_update")]
    [SuppressGCTransition]
    internal static partial int EVP_MAC_updateShort(nint ctx, byte* data, nuint datalen);

    [LibraryImport(LibraryName, EntryPoint = "EVP_MAC_final")]
    [SuppressGCTransition]
    internal static partial int EVP_MAC_finalShort(nint ctx, byte* output, nuint* outl, nuint outsize);

    [LibraryImport(LibraryName)]
    internal static partial void ERR_clear_error();

    // SHA-256/512 on caller-owned SHA256_CTX/SHA512_CTX memory, for PrecomputedHmac. Deprecated in OpenSSL 3 in
    // favour of EVP_Digest*, but exported and stable; the EVP layer's per-call dispatch is what PrecomputedHmac avoids.

    [LibraryImport(LibraryName)]
    internal static partial int SHA256_Init(byte* state);

    [LibraryImport(LibraryName)]
    internal static partial int SHA256_Update(byte* state, byte* data, nuint length);

    // The same function for inputs of at most one block: it computes for well under a microsecond, never blocks and
    // never calls back into managed code, which is what SuppressGCTransition requires.
    [LibraryImport(LibraryName, EntryPoint = "SHA256_Update")]
    [SuppressGCTransition]
    internal static partial int SHA256_UpdateShort(byte* state, byte* data, nuint length);

    // Final hashes at most two blocks (the buffered tail and the padding): short, like SHA256_UpdateShort.
    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    internal static partial int SHA256_Final(byte* digest, byte* state);

    [LibraryImport(LibraryName)]
    internal static partial int SHA512_Init(byte* state);

    [LibraryImport(LibraryName)]
    internal static partial int SHA512_Update(byte* state, byte* data, nuint length);

    [LibraryImport(LibraryName, EntryPoint = "SHA512_Update")]
    [SuppressGCTransition]
    internal static partial int SHA512_UpdateShort(byte* state, byte* data, nuint length);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    internal static partial int SHA512_Final(byte* digest, byte* state);
}
