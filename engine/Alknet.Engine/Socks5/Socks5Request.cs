using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Alknet.Engine.Socks5;

/// <summary>
/// RFC 1928 §4, the client's request:
/// <c>VER(1)=5 CMD(1) RSV(1) ATYP(1) DST.ADDR(variable) DST.PORT(2, network order)</c>.
/// </summary>
/// <remarks>
/// A well-formed BIND or UDP ASSOCIATE parses; whether it is supported is the handshake's decision (it
/// answers X'07'). An unknown CMD throws X'07', an unknown ATYP X'08', anything else malformed X'01'.
/// RSV is ignored on receipt, as a lenient receiver should. <see cref="ToString"/> is redacted.
/// </remarks>
[SkipLocalsInit]
public readonly record struct Socks5Request : IWireMessage<Socks5Request>
{
    /// <summary>VER + CMD + RSV + ATYP + 1 + 255 + PORT(2): 262 octets.</summary>
    public const int MaxLength = 3 + Socks5Address.MaxEncodedLength + 2;

    // The address is a 256-octet inline value: it is passed by reference and read in place, never
    // copied through a getter, so that parsing and writing stay close to hand-indexed code.
    private readonly Socks5Address _address;
    private readonly Socks5Command _command;
    private readonly ushort _port;

    public Socks5Request(Socks5Command command, in Socks5Address address, ushort port)
    {
        _command = command;
        _address = address;
        _port = port;
    }

    public Socks5Command Command => _command;

    /// <summary>Returned by reference: the address is a 256-octet inline value.</summary>
    [UnscopedRef]
    public ref readonly Socks5Address Address => ref _address;

    public ushort Port => _port;

    public static bool TryParse(ref SequenceReader<byte> reader, out Socks5Request value)
    {
        Span<byte> scratch = stackalloc byte[MaxLength];
        var consumed = TryParse(Socks5Span.Contiguous(reader, scratch), out value);
        if (consumed == 0)
        {
            return false;
        }

        reader.Advance(consumed);
        return true;
    }

    /// <summary>Returns the octets the request occupies, or 0 when <paramref name="source"/> is incomplete.</summary>
    internal static int TryParse(ReadOnlySpan<byte> source, out Socks5Request value)
    {
        Unsafe.SkipInit(out value);
        if (source.IsEmpty)
        {
            value = default;
            return 0;
        }

        if (source[0] != Socks5Constants.Version)
        {
            Socks5ThrowHelper.ThrowBadVersion();
        }

        if (source.Length < 2)
        {
            value = default;
            return 0;
        }

        var command = source[1];
        if (command is < (byte)Socks5Command.Connect or > (byte)Socks5Command.UdpAssociate)
        {
            Socks5ThrowHelper.ThrowCommandNotSupported();
        }

        if (source.Length < 4)
        {
            value = default;
            return 0;
        }

        // The address is read straight into the result (see Socks5Address.TryRead).
        var addressLength = Socks5Address.TryRead(source[3..], ref Unsafe.AsRef(in value._address));
        if (addressLength == 0 || source.Length < 3 + addressLength + 2)
        {
            value = default;
            return 0;
        }

        var end = 3 + addressLength;
        Unsafe.AsRef(in value._command) = (Socks5Command)command;
        Unsafe.AsRef(in value._port) = BinaryPrimitives.ReadUInt16BigEndian(source[end..]);
        return end + 2;
    }

    public void Write(IBufferWriter<byte> output)
    {
        var length = 5 + _address.EncodedLength;
        var span = output.GetSpan(length);
        span[0] = Socks5Constants.Version;
        span[1] = (byte)Command;
        span[2] = 0;
        var n = 3 + _address.WriteTo(span[3..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[n..], Port);
        output.Advance(length);
    }

    /// <summary>Redacted: the request names a tunnel destination.</summary>
    public override string ToString() => $"Socks5Request {{ Command = {Command} }}";
}
