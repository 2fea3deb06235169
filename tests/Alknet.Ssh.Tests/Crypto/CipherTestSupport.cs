using System.Buffers.Binary;
using Alknet.Ssh.Crypto;

namespace Alknet.Ssh.Tests.Crypto;

/// <summary>Builds matching sender/receiver ciphers and well-formed RFC 4253 §6 packets for the cipher tests.</summary>
internal static class CipherTestSupport
{
    /// <summary>Every cipher/MAC pairing the factory offers, as "cipher|mac" (mac empty for AEADs).</summary>
    public static readonly string[] Suites =
    [
        "aes128-gcm@openssh.com|",
        "aes256-gcm@openssh.com|",
        "chacha20-poly1305@openssh.com|",
        "aes128-ctr|hmac-sha2-256-etm@openssh.com",
        "aes128-ctr|hmac-sha2-512-etm@openssh.com",
        "aes128-ctr|hmac-sha2-256",
        "aes128-ctr|hmac-sha2-512",
        "aes256-ctr|hmac-sha2-256-etm@openssh.com",
        "aes256-ctr|hmac-sha2-512",
    ];

    /// <summary>The suites plus the "none" cipher.</summary>
    public static readonly string[] SuitesAndNone = [.. Suites, "none|"];

    public static byte[] Bytes(int seed, int count)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static (IPacketCipher Sender, IPacketCipher Receiver) CreatePair(string suite)
    {
        string[] parts = suite.Split('|');
        string cipher = parts[0];
        string? mac = parts[1].Length == 0 ? null : parts[1];
        if (cipher == "none")
        {
            return (PacketCiphers.CreateNone(), PacketCiphers.CreateNone());
        }

        byte[] key = Bytes(1, PacketCiphers.KeyLength(cipher));
        byte[] iv = Bytes(2, PacketCiphers.IvLength(cipher));
        byte[] macKey = mac is null ? [] : Bytes(3, PacketCiphers.MacKeyLength(mac));
        return (PacketCiphers.Create(cipher, mac, key, iv, macKey), PacketCiphers.Create(cipher, mac, key, iv, macKey));
    }

    /// <summary>
    /// uint32 packet_length ‖ byte padding_length ‖ payload ‖ padding, where the padded part (with or without the
    /// length field, as the cipher says) is a multiple of max(8, block size) and padding is at least 4 bytes.
    /// </summary>
    public static byte[] BuildPacket(IPacketCipher cipher, byte[] payload)
    {
        int align = Math.Max(8, cipher.BlockSize);
        int covered = (cipher.LengthExcludedFromPadding ? 0 : 4) + 1 + payload.Length;
        int padding = align - (covered % align);
        if (padding < 4)
        {
            padding += align;
        }

        var packet = new byte[4 + 1 + payload.Length + padding];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(1 + payload.Length + padding));
        packet[4] = (byte)padding;
        payload.CopyTo(packet, 5);
        new Random(payload.Length).NextBytes(packet.AsSpan(5 + payload.Length));
        return packet;
    }
}
