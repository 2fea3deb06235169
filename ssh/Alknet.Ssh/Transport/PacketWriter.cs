using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Alknet.Ssh.Crypto;

namespace Alknet.Ssh.Transport;

/// <summary>
/// RFC 4253 §6 binary packet writer. <see cref="BeginPacket"/> reserves the 5-byte header in the output's own memory
/// and hands out an <see cref="IBufferWriter{T}"/> for the payload; <see cref="EndPacket"/> pads, seals in place and
/// advances the output. Several packets can be written before one flush.
/// </summary>
internal sealed class PacketWriter : IBufferWriter<byte>, IDisposable
{
    /// <summary>RFC 4253 §6.1: implementations must handle 32768-byte payloads; we never send more than this.</summary>
    public const int MaxPayload = 32768 + 2048;

    private const int HeaderLength = 5;
    private const int MaxPadding = 255;

    private readonly IBufferWriter<byte> _output;
    private IPacketCipher _cipher;
    private Memory<byte> _packet;
    private int _payloadLength;
    private int _payloadCapacity;
    private bool _inPacket;

    public PacketWriter(IBufferWriter<byte> output, IPacketCipher cipher)
    {
        _output = output;
        _cipher = cipher;
    }

    public uint SequenceNumber { get; private set; }
    public long BytesSinceKeyChange { get; private set; }
    public long PacketsSinceKeyChange { get; private set; }

    /// <summary>Installs the outgoing keys right after NEWKEYS was written; strict KEX restarts the sequence.</summary>
    public void SetCipher(IPacketCipher cipher, bool resetSequenceNumber)
    {
        _cipher.Dispose();
        _cipher = cipher;
        if (resetSequenceNumber) SequenceNumber = 0;
        BytesSinceKeyChange = 0;
        PacketsSinceKeyChange = 0;
    }

    /// <summary>
    /// Bytes a packet needs beyond its payload with the current cipher: the 5-byte header, the most padding
    /// <see cref="EndPacket"/> adds (4 alignment blocks + 3, see there) and the MAC.
    /// </summary>
    /// <remarks>
    /// The reservation is what <see cref="BeginPacket"/> asks the output for. Reserving exactly this (instead of the
    /// protocol's 255 + 64) lets a packet of <see cref="PayloadFitting"/> bytes sit in one 32 KiB pool block: a
    /// larger request than the pipe's block size makes the pipe fall back to the array pool for that segment.
    /// </remarks>
    public int Overhead => HeaderLength + MaxPaddingLength(_cipher) + _cipher.MacLength;

    /// <summary>The largest payload whose whole packet fits in <paramref name="bytes"/> with the current cipher.</summary>
    public int PayloadFitting(int bytes) => Math.Clamp(bytes - Overhead, 1, MaxPayload);

    private static int MaxPaddingLength(IPacketCipher cipher)
    {
        int align = Math.Max(8, cipher.BlockSize);
        return Math.Min(MaxPadding, 4 * align + 3);
    }

    /// <summary>Starts a packet whose payload is at most <paramref name="payloadCapacity"/> bytes.</summary>
    public IBufferWriter<byte> BeginPacket(int payloadCapacity = MaxPayload)
    {
        if (_inPacket) throw new InvalidOperationException("a packet is already being written");
        if ((uint)payloadCapacity > MaxPayload) throw new ArgumentOutOfRangeException(nameof(payloadCapacity));
        _packet = _output.GetMemory(payloadCapacity + Overhead);
        _payloadCapacity = payloadCapacity;
        _payloadLength = 0;
        _inPacket = true;
        return this;
    }

    /// <summary>Pads, seals and commits the packet started by <see cref="BeginPacket"/>. Returns its wire size.</summary>
    public int EndPacket()
    {
        if (!_inPacket) throw new InvalidOperationException("no packet is being written");
        _inPacket = false;
        if (_payloadLength == 0) throw new InvalidOperationException("empty payload");

        int align = Math.Max(8, _cipher.BlockSize);
        int covered = (_cipher.LengthExcludedFromPadding ? 1 : HeaderLength) + _payloadLength;
        int padding = align - covered % align;
        if (padding < 4) padding += align;
        // RFC 4253 §6: random padding lengths frustrate traffic analysis; a few extra blocks at most (so at most
        // 4 × align + 3 in all, which is what Overhead reserves).
        int extraBlocks = Math.Min((MaxPadding - padding) / align, 3);
        if (extraBlocks > 0) padding += align * Random.Shared.Next(extraBlocks + 1);

        int length = 1 + _payloadLength + padding;
        int total = 4 + length + _cipher.MacLength;
        var span = _packet.Span;
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)length);
        span[4] = (byte)padding;
        RandomNumberGenerator.Fill(span.Slice(HeaderLength + _payloadLength, padding));
        _cipher.Seal(SequenceNumber, span[..(4 + length)], span.Slice(4 + length, _cipher.MacLength));
        _output.Advance(total);
        _packet = default;
        SequenceNumber++;
        BytesSinceKeyChange += total;
        PacketsSinceKeyChange++;
        return total;
    }

    /// <summary>The payload written so far into the packet being built.</summary>
    public ReadOnlySpan<byte> PendingPayload => _inPacket ? _packet.Span.Slice(HeaderLength, _payloadLength) : default;

    /// <summary>Abandons a packet begun but not finished (nothing is committed).</summary>
    public void AbortPacket()
    {
        _inPacket = false;
        _packet = default;
    }

    void IBufferWriter<byte>.Advance(int count)
    {
        if (count < 0 || _payloadLength + count > _payloadCapacity) throw new ArgumentOutOfRangeException(nameof(count));
        _payloadLength += count;
    }

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        EnsureRoom(sizeHint);
        return _packet.Slice(HeaderLength + _payloadLength, _payloadCapacity - _payloadLength);
    }

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint)
    {
        EnsureRoom(sizeHint);
        return _packet.Span.Slice(HeaderLength + _payloadLength, _payloadCapacity - _payloadLength);
    }

    private void EnsureRoom(int sizeHint)
    {
        if (!_inPacket) throw new InvalidOperationException("no packet is being written");
        if (_payloadCapacity - _payloadLength < Math.Max(sizeHint, 1))
            throw new InvalidOperationException("message larger than the packet capacity");
    }

    public void Dispose() => _cipher.Dispose();
}
