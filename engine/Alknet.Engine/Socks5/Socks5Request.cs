using System.Buffers;
using System.Buffers.Binary;

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
public readonly record struct Socks5Request(Socks5Command Command, Socks5Address Address, ushort Port)
    : IWireMessage<Socks5Request>
{
    /// <summary>VER + CMD + RSV + ATYP + 1 + 255 + PORT(2): 262 octets.</summary>
    public const int MaxLength = 3 + Socks5Address.MaxEncodedLength + 2;

    public static bool TryParse(ref SequenceReader<byte> reader, out Socks5Request value)
    {
        value = default;
        var r = reader;
        if (!r.TryRead(out var version))
        {
            return false;
        }

        if (version != Socks5Constants.Version)
        {
            Socks5ThrowHelper.ThrowBadVersion();
        }

        if (!r.TryRead(out var command))
        {
            return false;
        }

        if (command is < (byte)Socks5Command.Connect or > (byte)Socks5Command.UdpAssociate)
        {
            Socks5ThrowHelper.ThrowCommandNotSupported();
        }

        if (!r.TryRead(out _)
            || !Socks5Address.TryRead(ref r, out var address)
            || !r.TryReadBigEndian(out short port))
        {
            return false;
        }

        value = new Socks5Request((Socks5Command)command, address, (ushort)port);
        reader = r;
        return true;
    }

    public void Write(IBufferWriter<byte> output)
    {
        var length = 5 + Address.EncodedLength;
        var span = output.GetSpan(length);
        span[0] = Socks5Constants.Version;
        span[1] = (byte)Command;
        span[2] = 0;
        var n = 3 + Address.WriteTo(span[3..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[n..], Port);
        output.Advance(length);
    }

    /// <summary>Redacted: the request names a tunnel destination.</summary>
    public override string ToString() => $"Socks5Request {{ Command = {Command} }}";
}
