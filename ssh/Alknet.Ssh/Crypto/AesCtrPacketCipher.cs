using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// aes128-ctr and aes256-ctr (RFC 4344 §4) with hmac-sha2-256/512 (RFC 6668), either in SSH's original
/// MAC-then-encrypt order (RFC 4253 §6.4) or as encrypt-then-MAC (OpenSSH PROTOCOL §1.5, the -etm@openssh.com names).
/// </summary>
/// <remarks>
/// <para>EtM: the length is sent in the clear and the MAC covers seqnr ‖ length ‖ ciphertext, so it is verified
/// before anything is decrypted.</para>
/// <para>Classic: the MAC covers seqnr ‖ plaintext packet and everything, length included, is encrypted. The receiver
/// must decrypt the first block to learn the length (<see cref="LengthPrefixBytes"/> is one AES block) and can only
/// check the MAC after decrypting, which is why the EtM forms are preferred.</para>
/// </remarks>
internal sealed class AesCtrPacketCipher : IPacketCipher
{
    private const int LengthFieldSize = 4;
    private const int AesBlock = 16;

    private readonly AesCtrKeystream _ctr;
    private readonly HmacSha2 _mac;
    private readonly byte[] _expectedMac;

    public AesCtrPacketCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, string macName, ReadOnlySpan<byte> macKey)
    {
        _mac = new HmacSha2(macName, macKey);
        _ctr = new AesCtrKeystream(key, iv);
        _expectedMac = new byte[_mac.Length];
    }

    public int BlockSize => AesBlock;

    public int MacLength => _mac.Length;

    public bool LengthExcludedFromPadding => _mac.EncryptThenMac;

    public int LengthPrefixBytes => _mac.EncryptThenMac ? LengthFieldSize : AesBlock;

    public void Seal(uint sequenceNumber, Span<byte> packet, Span<byte> mac)
    {
        LibCrypto.CheckLength(mac.Length, _mac.Length, nameof(mac));
        if (_mac.EncryptThenMac)
        {
            _ctr.Transform(packet[LengthFieldSize..]);
            _mac.Compute(sequenceNumber, packet, mac);
        }
        else
        {
            _mac.Compute(sequenceNumber, packet, mac);
            _ctr.Transform(packet);
        }
    }

    public uint PeekLength(uint sequenceNumber, ReadOnlySpan<byte> prefix)
    {
        if (_mac.EncryptThenMac)
        {
            return BinaryPrimitives.ReadUInt32BigEndian(prefix);
        }

        // Decrypt a copy of the first block with the upcoming keystream, leaving both the bytes and the stream as
        // they were: Open decrypts the whole packet from the same position.
        Span<byte> first = stackalloc byte[AesBlock];
        _ctr.Peek(prefix[..AesBlock], first);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(first);
        CryptographicOperations.ZeroMemory(first);
        return length;
    }

    public bool Open(uint sequenceNumber, Span<byte> packet, ReadOnlySpan<byte> mac)
    {
        LibCrypto.CheckLength(mac.Length, _mac.Length, nameof(mac));
        if (_mac.EncryptThenMac)
        {
            _mac.Compute(sequenceNumber, packet, _expectedMac);
            if (!CryptographicOperations.FixedTimeEquals(_expectedMac, mac))
            {
                return false;
            }

            _ctr.Transform(packet[LengthFieldSize..]);
            return true;
        }

        _ctr.Transform(packet);
        _mac.Compute(sequenceNumber, packet, _expectedMac);
        return CryptographicOperations.FixedTimeEquals(_expectedMac, mac);
    }

    public void Dispose()
    {
        _ctr.Dispose();
        _mac.Dispose();
    }
}
