using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305): two ChaCha20 instances keyed from the 64-byte
/// key, with the SSH sequence number as the 64-bit nonce.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>K_2 = key bytes 0–31 encrypts the payload from block counter 1; its block 0 provides the Poly1305 key.</item>
/// <item>K_1 = key bytes 32–63 encrypts only the 4-byte length, at block counter 0, so a receiver can learn the
/// length before it has the whole packet.</item>
/// <item>Tag = Poly1305(encrypted length ‖ encrypted body), checked in constant time before anything is decrypted.</item>
/// </list>
/// The native contexts are created once; a packet re-seeds them with a new nonce and allocates nothing.
/// This is not RFC 8439's AEAD (different nonce size, no associated-data padding), so the BCL's ChaCha20Poly1305
/// cannot be used.
/// </remarks>
internal sealed class ChaCha20Poly1305PacketCipher : IPacketCipher
{
    public const int KeySize = 64;
    public const int TagSize = 16;
    private const int LengthFieldSize = 4;

    private readonly ChaCha20Stream _main;
    private readonly ChaCha20Stream _length;
    private readonly Poly1305Mac _poly;

    // Block 0 of K_2: the first 32 bytes are the one-time Poly1305 key. Reused for every packet and wiped after use.
    private readonly byte[] _block0 = new byte[ChaCha20Stream.BlockSize];
    private readonly byte[] _expectedTag = new byte[TagSize];

    // The transport always peeks at the length before it opens the packet. The 4 keystream bytes under K_1 computed by
    // PeekLength are kept for that sequence number so Open does not run the length cipher a second time.
    private readonly byte[] _lengthKeystream = new byte[LengthFieldSize];
    private uint _peekedSequence;
    private bool _peeked;

    public ChaCha20Poly1305PacketCipher(ReadOnlySpan<byte> key)
    {
        LibCrypto.CheckLength(key.Length, KeySize, nameof(key));
        _main = new ChaCha20Stream(key[..32]);
        _length = new ChaCha20Stream(key[32..]);
        _poly = new Poly1305Mac();
    }

    public int BlockSize => 8;

    public int MacLength => TagSize;

    public bool LengthExcludedFromPadding => true;

    public int LengthPrefixBytes => LengthFieldSize;

    public void Seal(uint sequenceNumber, Span<byte> packet, Span<byte> mac)
    {
        LibCrypto.CheckLength(mac.Length, TagSize, nameof(mac));
        _length.Reset(0, sequenceNumber);
        _length.Transform(packet[..LengthFieldSize], packet[..LengthFieldSize]);

        StartPayload(sequenceNumber);
        Span<byte> body = packet[LengthFieldSize..];
        _main.Transform(body, body);
        ComputeTag(packet, mac);
    }

    public uint PeekLength(uint sequenceNumber, ReadOnlySpan<byte> prefix)
    {
        LoadLengthKeystream(sequenceNumber);
        _peekedSequence = sequenceNumber;
        _peeked = true;
        return BinaryPrimitives.ReadUInt32BigEndian(prefix) ^ BinaryPrimitives.ReadUInt32BigEndian(_lengthKeystream);
    }

    public bool Open(uint sequenceNumber, Span<byte> packet, ReadOnlySpan<byte> mac)
    {
        LibCrypto.CheckLength(mac.Length, TagSize, nameof(mac));
        StartPayload(sequenceNumber);
        ComputeTag(packet, _expectedTag);
        if (!CryptographicOperations.FixedTimeEquals(_expectedTag, mac))
        {
            return false;
        }

        if (!_peeked || _peekedSequence != sequenceNumber)
        {
            LoadLengthKeystream(sequenceNumber);
        }

        _peeked = false;
        BinaryPrimitives.WriteUInt32BigEndian(
            packet,
            BinaryPrimitives.ReadUInt32BigEndian(packet) ^ BinaryPrimitives.ReadUInt32BigEndian(_lengthKeystream));
        Span<byte> body = packet[LengthFieldSize..];
        _main.Transform(body, body);
        return true;
    }

    public void Dispose()
    {
        _main.Dispose();
        _length.Dispose();
        _poly.Dispose();
        CryptographicOperations.ZeroMemory(_block0);
        CryptographicOperations.ZeroMemory(_lengthKeystream);
    }

    /// <summary>The first 4 bytes of K_1's block 0 for this sequence number: the length field's keystream.</summary>
    private void LoadLengthKeystream(uint sequenceNumber)
    {
        _length.Reset(0, sequenceNumber);
        Array.Clear(_lengthKeystream);
        _length.Transform(_lengthKeystream, _lengthKeystream);
    }

    /// <summary>Derives the Poly1305 key from K_2 block 0 and leaves the K_2 stream positioned at block 1.</summary>
    private void StartPayload(uint sequenceNumber)
    {
        _main.Reset(0, sequenceNumber);
        Array.Clear(_block0);
        _main.Transform(_block0, _block0);
        _poly.Init(_block0.AsSpan(0, Poly1305Mac.KeySize));
        CryptographicOperations.ZeroMemory(_block0);
    }

    private void ComputeTag(ReadOnlySpan<byte> encryptedPacket, Span<byte> tag)
    {
        _poly.Update(encryptedPacket);
        _poly.Final(tag);
    }
}
