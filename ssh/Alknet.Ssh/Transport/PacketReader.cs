using System.Buffers;
using Alknet.Ssh.Crypto;

namespace Alknet.Ssh.Transport;

/// <summary>
/// RFC 4253 §6 binary packet reader. The length field is checked against <see cref="MaxPacketLength"/> before the
/// body is waited for; the whole packet is then copied once into a pooled buffer where it is authenticated and
/// decrypted in place. The returned payload stays valid until the next call.
/// </summary>
internal sealed class PacketReader : IDisposable
{
    /// <summary>OpenSSH accepts packet_length up to 256 KiB (PACKET_MAX_SIZE); so do we, and no more.</summary>
    public const int MaxPacketLength = 256 * 1024;

    private IPacketCipher _cipher;
    private byte[] _buffer = [];

    public PacketReader(IPacketCipher cipher) => _cipher = cipher;

    /// <summary>The sequence number the next incoming packet will have (RFC 4253 §6.4).</summary>
    public uint SequenceNumber { get; private set; }

    /// <summary>Bytes read since the last key change (for the rekey limit).</summary>
    public long BytesSinceKeyChange { get; private set; }

    /// <summary>Packets read since the last key change.</summary>
    public long PacketsSinceKeyChange { get; private set; }

    /// <summary>Installs the incoming keys after NEWKEYS; under strict KEX the sequence number restarts at 0.</summary>
    public void SetCipher(IPacketCipher cipher, bool resetSequenceNumber)
    {
        _cipher.Dispose();
        _cipher = cipher;
        if (resetSequenceNumber) SequenceNumber = 0;
        BytesSinceKeyChange = 0;
        PacketsSinceKeyChange = 0;
    }

    /// <summary>
    /// Tries to take one packet from the front of <paramref name="buffer"/>. Returns false (consuming nothing) when
    /// more bytes are needed; throws <see cref="SshProtocolException"/> for a bad length, padding or MAC.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlyMemory<byte> payload)
    {
        payload = default;
        int prefixBytes = _cipher.LengthPrefixBytes;
        if (buffer.Length < prefixBytes) return false;

        Span<byte> prefix = stackalloc byte[32];
        prefix = prefix[..prefixBytes];
        buffer.Slice(0, prefixBytes).CopyTo(prefix);
        uint length = _cipher.PeekLength(SequenceNumber, prefix);
        // Limits before buffering: a hostile length never makes us wait for, or allocate, a huge body.
        if (length > MaxPacketLength || length < 5)
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "bad packet length " + length);

        int macLength = _cipher.MacLength;
        int total = 4 + (int)length + macLength;
        if (buffer.Length < total) return false;

        if (_buffer.Length < total)
        {
            if (_buffer.Length != 0) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(total, 4096));
        }
        var packet = _buffer.AsSpan(0, total);
        buffer.Slice(0, total).CopyTo(packet);

        int align = Math.Max(8, _cipher.BlockSize);
        int aligned = _cipher.LengthExcludedFromPadding ? (int)length : (int)length + 4;
        if (aligned % align != 0)
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "packet length not a multiple of the block size");

        if (!_cipher.Open(SequenceNumber, packet[..(4 + (int)length)], packet[(4 + (int)length)..]))
            SshProtocolException.Throw(SshDisconnectReason.MacError, "message authentication code incorrect");

        int padding = packet[4];
        if (padding < 4 || padding >= length - 1)
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "bad padding length " + padding);

        int payloadLength = (int)length - padding - 1;
        payload = _buffer.AsMemory(5, payloadLength);
        buffer = buffer.Slice(total);
        SequenceNumber++;
        BytesSinceKeyChange += total;
        PacketsSinceKeyChange++;
        return true;
    }

    public void Dispose()
    {
        _cipher.Dispose();
        if (_buffer.Length != 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
