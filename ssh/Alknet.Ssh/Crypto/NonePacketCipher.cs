using System.Buffers.Binary;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// The "none" cipher and MAC (RFC 4253 §6.3, §6.4) that protect nothing: used only from the version exchange to the
/// first NEWKEYS. Packets are aligned to 8 bytes and carry no MAC.
/// </summary>
internal sealed class NonePacketCipher : IPacketCipher
{
    public int BlockSize => 8;

    public int MacLength => 0;

    public bool LengthExcludedFromPadding => false;

    public int LengthPrefixBytes => 4;

    public void Seal(uint sequenceNumber, Span<byte> packet, Span<byte> mac) =>
        LibCrypto.CheckLength(mac.Length, 0, nameof(mac));

    public uint PeekLength(uint sequenceNumber, ReadOnlySpan<byte> prefix) => BinaryPrimitives.ReadUInt32BigEndian(prefix);

    public bool Open(uint sequenceNumber, Span<byte> packet, ReadOnlySpan<byte> mac)
    {
        LibCrypto.CheckLength(mac.Length, 0, nameof(mac));
        return true;
    }

    public void Dispose()
    {
    }
}
