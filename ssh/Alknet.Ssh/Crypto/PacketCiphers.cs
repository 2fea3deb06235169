namespace Alknet.Ssh.Crypto;

/// <summary>
/// The catalogue of packet ciphers and MACs, by their SSH names (RFC 4253 §6.3/§6.4, RFC 4344, RFC 5647, RFC 6668,
/// OpenSSH PROTOCOL), and the factory the transport uses after key derivation (RFC 4253 §7.2).
/// </summary>
public static class PacketCiphers
{
    public const string Aes128Gcm = "aes128-gcm@openssh.com";
    public const string Aes256Gcm = "aes256-gcm@openssh.com";
    public const string ChaCha20Poly1305 = "chacha20-poly1305@openssh.com";
    public const string Aes128Ctr = "aes128-ctr";
    public const string Aes256Ctr = "aes256-ctr";
    public const string HmacSha256Etm = "hmac-sha2-256-etm@openssh.com";
    public const string HmacSha512Etm = "hmac-sha2-512-etm@openssh.com";
    public const string HmacSha256 = "hmac-sha2-256";
    public const string HmacSha512 = "hmac-sha2-512";

    /// <summary>Cipher names in Alknet's default preference order.</summary>
    /// <remarks>
    /// AES-GCM first: with AES-NI and carry-less multiply it is the fastest AEAD on x86-64 servers (measured in
    /// docs/perf/ciphers.md); chacha20-poly1305 next, as OpenSSH's own first choice and the fast one without AES-NI.
    /// </remarks>
    public static IReadOnlyList<string> SupportedCiphers { get; } =
    [
        Aes128Gcm, Aes256Gcm, ChaCha20Poly1305, Aes128Ctr, Aes256Ctr,
    ];

    /// <summary>MAC names in preference order (ignored when the cipher is an AEAD).</summary>
    public static IReadOnlyList<string> SupportedMacs { get; } =
    [
        HmacSha256Etm, HmacSha512Etm, HmacSha256, HmacSha512,
    ];

    /// <summary>True for ciphers that carry their own authentication (the MAC list is ignored for them).</summary>
    public static bool IsAead(string cipher) => Describe(cipher).Aead;

    /// <summary>Bytes of encryption key the key derivation must produce (RFC 4253 §7.2 letters C/D).</summary>
    public static int KeyLength(string cipher) => Describe(cipher).KeyLength;

    /// <summary>Bytes of IV the key derivation must produce (letters A/B): 12 for GCM, 16 for CTR, 0 for chacha.</summary>
    public static int IvLength(string cipher) => Describe(cipher).IvLength;

    /// <summary>Bytes of MAC key (letters E/F): 32 for the SHA-256 MACs, 64 for SHA-512.</summary>
    public static int MacKeyLength(string mac) => HmacSha2.Describe(mac).Size;

    /// <summary>The identity cipher used before the first NEWKEYS.</summary>
    public static IPacketCipher CreateNone() => new NonePacketCipher();

    /// <summary>Creates one direction's cipher. <paramref name="mac"/> is null for AEAD ciphers.</summary>
    /// <exception cref="ArgumentException">An unknown name, a missing MAC for a non-AEAD cipher, or a key, IV or
    /// MAC key whose length differs from <see cref="KeyLength"/>, <see cref="IvLength"/> or <see cref="MacKeyLength"/>.</exception>
    public static IPacketCipher Create(string cipher, string? mac, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> macKey)
    {
        (bool aead, int keyLength, int ivLength) = Describe(cipher);
        LibCrypto.CheckLength(key.Length, keyLength, nameof(key));
        LibCrypto.CheckLength(iv.Length, ivLength, nameof(iv));
        if (aead)
        {
            // RFC 5647 §5.1 / PROTOCOL.chacha20poly1305: the negotiated MAC is ignored; no MAC key is used.
            return cipher == ChaCha20Poly1305
                ? new ChaCha20Poly1305PacketCipher(key)
                : new AesGcmPacketCipher(key, iv);
        }

        if (mac is null)
        {
            throw new ArgumentException($"Cipher {cipher} needs a MAC algorithm.", nameof(mac));
        }

        return new AesCtrPacketCipher(key, iv, mac, macKey);
    }

    private static (bool Aead, int KeyLength, int IvLength) Describe(string cipher) => cipher switch
    {
        Aes128Gcm => (true, 16, 12),
        Aes256Gcm => (true, 32, 12),
        ChaCha20Poly1305 => (true, 64, 0),
        Aes128Ctr => (false, 16, 16),
        Aes256Ctr => (false, 32, 16),
        _ => throw new ArgumentException("Unsupported cipher algorithm: " + cipher, nameof(cipher)),
    };
}
