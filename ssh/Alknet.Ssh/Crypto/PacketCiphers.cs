namespace Alknet.Ssh.Crypto;

/// <summary>
/// The catalogue of packet ciphers and MACs, by their SSH names, and the factory the transport uses after
/// key derivation. SKELETON CONTRACT: replaced by the real implementation.
/// </summary>
public static class PacketCiphers
{
    /// <summary>Cipher names in Alknet's default preference order.</summary>
    public static IReadOnlyList<string> SupportedCiphers { get; } =
    [
        "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com", "aes128-ctr", "aes256-ctr",
    ];

    /// <summary>MAC names in preference order (ignored when the cipher is an AEAD).</summary>
    public static IReadOnlyList<string> SupportedMacs { get; } =
    [
        "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512",
    ];

    /// <summary>True for ciphers that carry their own authentication (the MAC list is ignored for them).</summary>
    public static bool IsAead(string cipher) => throw new NotImplementedException();

    public static int KeyLength(string cipher) => throw new NotImplementedException();

    public static int IvLength(string cipher) => throw new NotImplementedException();

    public static int MacKeyLength(string mac) => throw new NotImplementedException();

    /// <summary>The identity cipher used before the first NEWKEYS.</summary>
    public static IPacketCipher CreateNone() => throw new NotImplementedException();

    /// <summary>Creates one direction's cipher. <paramref name="mac"/> is null for AEAD ciphers.</summary>
    public static IPacketCipher Create(string cipher, string? mac, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> macKey) =>
        throw new NotImplementedException();
}
