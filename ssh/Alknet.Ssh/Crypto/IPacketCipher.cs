namespace Alknet.Ssh.Crypto;

/// <summary>
/// One direction of SSH binary-packet protection (RFC 4253 §6): a cipher plus its MAC, or an AEAD
/// (aes*-gcm@openssh.com, chacha20-poly1305@openssh.com), or the "none" cipher used before the first NEWKEYS.
/// The packet transport owns framing and sequence numbers; a cipher only transforms bytes in place.
/// </summary>
/// <remarks>
/// <para>A packet is <c>uint32 packet_length ‖ byte padding_length ‖ payload ‖ padding</c>, followed on the wire
/// by <see cref="MacLength"/> bytes of MAC or tag.</para>
/// <para>Implementations allocate nothing per packet and compare tags and MACs in constant time. Where the mode
/// allows it (AEAD, EtM) the tag or MAC is verified before anything is decrypted.</para>
/// </remarks>
public interface IPacketCipher : IDisposable
{
    /// <summary>The padded part is a multiple of max(8, BlockSize).</summary>
    int BlockSize { get; }

    /// <summary>Bytes of MAC or tag that follow the packet on the wire (0 for "none").</summary>
    int MacLength { get; }

    /// <summary>
    /// True when the 4-byte length field is sent in the clear or encrypted separately, and therefore excluded
    /// from the padding alignment: AES-GCM, chacha20-poly1305 and the EtM MACs.
    /// </summary>
    bool LengthExcludedFromPadding { get; }

    /// <summary>
    /// How many leading bytes of an incoming packet <see cref="PeekLength"/> needs: 4, or one cipher block
    /// for CTR with a non-EtM MAC (the length is inside the first encrypted block).
    /// </summary>
    int LengthPrefixBytes { get; }

    /// <summary>
    /// Encrypts <paramref name="packet"/> (length field filled in, plaintext) in place and writes the MAC or tag
    /// into <paramref name="mac"/>, which is exactly <see cref="MacLength"/> bytes.
    /// </summary>
    void Seal(uint sequenceNumber, Span<byte> packet, Span<byte> mac);

    /// <summary>
    /// Returns packet_length from the first <see cref="LengthPrefixBytes"/> bytes of an incoming packet, without
    /// modifying them and without changing the cipher's state. The caller checks the length against its limit
    /// before it buffers the rest.
    /// </summary>
    uint PeekLength(uint sequenceNumber, ReadOnlySpan<byte> prefix);

    /// <summary>
    /// Authenticates and decrypts a whole incoming packet in place (length field included; afterwards it holds
    /// the plaintext length). Returns false when the MAC or tag does not match; the caller then disconnects
    /// with MAC_ERROR and trusts none of the bytes.
    /// </summary>
    bool Open(uint sequenceNumber, Span<byte> packet, ReadOnlySpan<byte> mac);
}
