using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Alknet.Ssh.Wire;

/// <summary>
/// RFC 4251 §5 data types, written straight into an <see cref="IBufferWriter{T}"/> (a PipeWriter, or a pooled
/// buffer that is then sealed in place). Call <see cref="Commit"/> when done: it advances the underlying writer.
/// </summary>
public ref struct SshWriter
{
    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _buffered;

    public SshWriter(IBufferWriter<byte> output)
    {
        _output = output;
        _span = output.GetSpan();
        _buffered = 0;
        BytesCommitted = 0;
    }

    /// <summary>Bytes written and already handed to the underlying writer.</summary>
    public long BytesCommitted { get; private set; }

    /// <summary>Bytes written so far, committed or not.</summary>
    public readonly long BytesWritten => BytesCommitted + _buffered;

    public void Commit()
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
            BytesCommitted += _buffered;
            _buffered = 0;
            _span = default;
        }
    }

    private Span<byte> Reserve(int count)
    {
        if (_span.Length - _buffered < count)
        {
            Commit();
            _span = _output.GetSpan(count);
        }
        return _span.Slice(_buffered, count);
    }

    public void WriteByte(byte value)
    {
        Reserve(1)[0] = value;
        _buffered += 1;
    }

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);
        _buffered += 4;
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), value);
        _buffered += 8;
    }

    /// <summary>Raw bytes with no length prefix (the KEXINIT cookie, a nested encoding).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        // Copy in chunks so that a large value never needs one contiguous span from the writer.
        while (!bytes.IsEmpty)
        {
            if (_span.Length - _buffered == 0)
            {
                Commit();
                _span = _output.GetSpan();
            }
            int n = Math.Min(bytes.Length, _span.Length - _buffered);
            bytes[..n].CopyTo(_span[_buffered..]);
            _buffered += n;
            bytes = bytes[n..];
        }
    }

    public void WriteString(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        WriteRaw(value);
    }

    public void WriteString(string value)
    {
        int len = Encoding.UTF8.GetByteCount(value);
        WriteUInt32((uint)len);
        var dest = Reserve(len);
        Encoding.UTF8.GetBytes(value, dest);
        _buffered += len;
    }

    public void WriteNameList(ReadOnlySpan<string> names)
    {
        int len = 0;
        for (int i = 0; i < names.Length; i++) len += (i > 0 ? 1 : 0) + Encoding.ASCII.GetByteCount(names[i]);
        WriteUInt32((uint)len);
        var dest = Reserve(len);
        int p = 0;
        for (int i = 0; i < names.Length; i++)
        {
            if (i > 0) dest[p++] = (byte)',';
            p += Encoding.ASCII.GetBytes(names[i], dest[p..]);
        }
        _buffered += len;
    }

    /// <summary>
    /// Writes an mpint from an unsigned big-endian magnitude: leading zeros stripped, a zero byte prepended when
    /// the top bit is set, zero encoded as the empty string (RFC 4251 §5).
    /// </summary>
    public void WriteMpintUnsigned(ReadOnlySpan<byte> magnitude)
    {
        int i = 0;
        while (i < magnitude.Length && magnitude[i] == 0) i++;
        magnitude = magnitude[i..];
        bool pad = !magnitude.IsEmpty && (magnitude[0] & 0x80) != 0;
        WriteUInt32((uint)(magnitude.Length + (pad ? 1 : 0)));
        if (pad) WriteByte(0);
        WriteRaw(magnitude);
    }
}
