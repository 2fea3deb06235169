using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// aes128-gcm@openssh.com and aes256-gcm@openssh.com (RFC 5647 §7, as amended by OpenSSH's PROTOCOL §1.6).
/// </summary>
/// <remarks>
/// <para>The 4-byte packet length travels in the clear and is the AEAD's associated data; everything after it is
/// encrypted; the 16-byte tag follows. The 12-byte nonce is the derived IV read as a 4-byte fixed field and a
/// big-endian 64-bit invocation counter that goes up by one for every packet (the SSH sequence number is not used).</para>
/// <para>One <see cref="AesGcm"/> holds the key schedule for the life of the keys, so a packet allocates nothing.
/// <see cref="AesGcm.Decrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, ReadOnlySpan{byte})"/>
/// authenticates the whole packet before it releases plaintext: on a mismatch it zeroes the output and throws.</para>
/// </remarks>
internal sealed class AesGcmPacketCipher : IPacketCipher
{
    public const int NonceSize = 12;
    public const int TagSize = 16;
    private const int LengthFieldSize = 4;

    private readonly AesGcm _aes;
    private readonly byte[] _nonce = new byte[NonceSize];

    public AesGcmPacketCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length is not (16 or 32))
        {
            throw new ArgumentException("AES-GCM key must be 16 or 32 bytes.", nameof(key));
        }

        LibCrypto.CheckLength(iv.Length, NonceSize, nameof(iv));
        _aes = new AesGcm(key, TagSize);
        iv.CopyTo(_nonce);
    }

    public int BlockSize => 16;

    public int MacLength => TagSize;

    public bool LengthExcludedFromPadding => true;

    public int LengthPrefixBytes => LengthFieldSize;

    public void Seal(uint sequenceNumber, Span<byte> packet, Span<byte> mac)
    {
        LibCrypto.CheckLength(mac.Length, TagSize, nameof(mac));
        Span<byte> body = packet[LengthFieldSize..];
        _aes.Encrypt(_nonce, body, body, mac, packet[..LengthFieldSize]);
        IncrementInvocationCounter();
    }

    public uint PeekLength(uint sequenceNumber, ReadOnlySpan<byte> prefix) => BinaryPrimitives.ReadUInt32BigEndian(prefix);

    public bool Open(uint sequenceNumber, Span<byte> packet, ReadOnlySpan<byte> mac)
    {
        LibCrypto.CheckLength(mac.Length, TagSize, nameof(mac));
        Span<byte> body = packet[LengthFieldSize..];
        try
        {
            _aes.Decrypt(_nonce, body, mac, body, packet[..LengthFieldSize]);
        }
        catch (AuthenticationTagMismatchException)
        {
            // A forged or corrupted packet ends the connection, so the cost of the exception is paid at most once.
            return false;
        }

        IncrementInvocationCounter();
        return true;
    }

    public void Dispose()
    {
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_nonce);
    }

    private void IncrementInvocationCounter()
    {
        // RFC 5647 §7.1: invocation_counter is the low 64 bits, big-endian; the fixed field never changes.
        Span<byte> counter = _nonce.AsSpan(4);
        BinaryPrimitives.WriteUInt64BigEndian(counter, unchecked(BinaryPrimitives.ReadUInt64BigEndian(counter) + 1));
    }
}
