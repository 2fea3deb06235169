namespace Alknet.Ssh.Crypto;

/// <summary>
/// The algorithms the .NET BCL lacks (X25519, Ed25519, raw ChaCha20 and Poly1305), from the OpenSSL libcrypto
/// that .NET on Linux already loads. SKELETON CONTRACT: replaced by the real P/Invoke implementation.
/// </summary>
public static class LibCrypto
{
    /// <summary>Throws a clear error when libcrypto.so.3 cannot be loaded or lacks an algorithm.</summary>
    public static void EnsureAvailable() => throw new NotImplementedException();

    /// <summary>Fills a fresh X25519 private key (32 bytes) and its public key (32 bytes).</summary>
    public static void X25519GenerateKeyPair(Span<byte> privateKey, Span<byte> publicKey) => throw new NotImplementedException();

    /// <summary>RFC 7748 X25519. Returns false when the result is all zeros (a low-order peer point).</summary>
    public static bool X25519(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret) => throw new NotImplementedException();

    /// <summary>Derives the 32-byte Ed25519 public key from a 32-byte seed.</summary>
    public static void Ed25519PublicKeyFromSeed(ReadOnlySpan<byte> seed, Span<byte> publicKey) => throw new NotImplementedException();

    /// <summary>RFC 8032 Ed25519 signature (64 bytes) of <paramref name="message"/>.</summary>
    public static void Ed25519Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message, Span<byte> signature) => throw new NotImplementedException();

    public static bool Ed25519Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => throw new NotImplementedException();
}
