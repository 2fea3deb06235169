using System.Buffers.Binary;
using System.Text;

namespace Alknet.Ssh.Wire;

/// <summary>
/// RFC 4251 §5 data types, read from a complete payload. Every read checks bounds and throws a
/// protocol-error <see cref="SshProtocolException"/> on truncation; <see cref="EnsureEnd"/> rejects trailing bytes.
/// Strings are returned as slices of the payload: nothing is copied or allocated unless a string is converted.
/// </summary>
public ref struct SshReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public SshReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;
    public readonly int Remaining => _data.Length - _position;
    public readonly bool End => _position == _data.Length;
    public readonly ReadOnlySpan<byte> RemainingSpan => _data[_position..];

    public byte ReadByte()
    {
        if ((uint)_position >= (uint)_data.Length) SshProtocolException.ThrowMalformed("byte");
        return _data[_position++];
    }

    public bool ReadBoolean() => ReadByte() != 0;

    public uint ReadUInt32()
    {
        if (Remaining < 4) SshProtocolException.ThrowMalformed("uint32");
        uint v = BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(_position, 4));
        _position += 4;
        return v;
    }

    public ulong ReadUInt64()
    {
        if (Remaining < 8) SshProtocolException.ThrowMalformed("uint64");
        ulong v = BinaryPrimitives.ReadUInt64BigEndian(_data.Slice(_position, 8));
        _position += 8;
        return v;
    }

    /// <summary>Reads <paramref name="count"/> raw bytes (for example the KEXINIT cookie).</summary>
    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || Remaining < count) SshProtocolException.ThrowMalformed("bytes");
        var s = _data.Slice(_position, count);
        _position += count;
        return s;
    }

    /// <summary>A uint32-length-prefixed byte string, returned as a slice of the payload.</summary>
    public ReadOnlySpan<byte> ReadString()
    {
        uint len = ReadUInt32();
        if (len > (uint)Remaining) SshProtocolException.ThrowMalformed("string length");
        var s = _data.Slice(_position, (int)len);
        _position += (int)len;
        return s;
    }

    /// <summary>A string decoded as UTF-8 (user names, descriptions). Invalid UTF-8 is a protocol error.</summary>
    public string ReadUtf8String()
    {
        var s = ReadString();
        try { return Utf8Strict.GetString(s); }
        catch (DecoderFallbackException) { SshProtocolException.ThrowMalformed("UTF-8 string"); return null; }
    }

    /// <summary>A string that must be US-ASCII (algorithm and method names).</summary>
    public string ReadAsciiString()
    {
        var s = ReadString();
        foreach (byte b in s)
            if (b is < 0x20 or > 0x7E) SshProtocolException.ThrowMalformed("ASCII name");
        return Encoding.ASCII.GetString(s);
    }

    /// <summary>A comma-separated name-list (RFC 4251 §5). Empty names are rejected.</summary>
    public string[] ReadNameList()
    {
        var s = ReadString();
        if (s.Length == 0) return [];
        foreach (byte b in s)
            if (b is < 0x21 or > 0x7E) SshProtocolException.ThrowMalformed("name-list");
        var names = Encoding.ASCII.GetString(s).Split(',');
        foreach (var n in names)
            if (n.Length == 0) SshProtocolException.ThrowMalformed("name-list");
        return names;
    }

    /// <summary>
    /// An mpint's magnitude as unsigned big-endian bytes without leading zeros. Negative values and
    /// non-minimal encodings are protocol errors (SSH only ever sends non-negative mpints).
    /// </summary>
    public ReadOnlySpan<byte> ReadMpintUnsigned()
    {
        var s = ReadString();
        if (s.Length == 0) return s;
        if ((s[0] & 0x80) != 0) SshProtocolException.ThrowMalformed("mpint (negative)");
        if (s[0] == 0)
        {
            if (s.Length == 1 || (s[1] & 0x80) == 0) SshProtocolException.ThrowMalformed("mpint (not minimal)");
            s = s[1..];
        }
        return s;
    }

    /// <summary>Throws if any bytes are left: trailing data after a message is a protocol error.</summary>
    public readonly void EnsureEnd()
    {
        if (_position != _data.Length) SshProtocolException.ThrowMalformed("message (trailing bytes)");
    }

    private static readonly UTF8Encoding Utf8Strict = new(false, true);
}
