using System.Buffers;
using System.Buffers.Binary;

namespace Alknet.Engine.Socks5;

/// <summary>
/// RFC 1928 §6, the server's reply:
/// <c>VER(1)=5 REP(1) RSV(1)=0 ATYP(1) BND.ADDR(variable) BND.PORT(2, network order)</c>.
/// </summary>
/// <remarks>
/// REP is kept as received, even outside the RFC's 0x00..0x08 (the upstream client maps unknown values).
/// An unknown ATYP throws X'08' and a zero-length domain X'01', as for requests.
/// </remarks>
public readonly record struct Socks5Reply(Socks5ReplyCode Code, Socks5Address BoundAddress, ushort BoundPort)
    : IWireMessage<Socks5Reply>
{
    /// <summary>Same bound as a request: 262 octets.</summary>
    public const int MaxLength = Socks5Request.MaxLength;

    public static bool TryParse(ref SequenceReader<byte> reader, out Socks5Reply value)
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

        if (!r.TryRead(out var code)
            || !r.TryRead(out _)
            || !Socks5Address.TryRead(ref r, out var address)
            || !r.TryReadBigEndian(out short port))
        {
            return false;
        }

        value = new Socks5Reply((Socks5ReplyCode)code, address, (ushort)port);
        reader = r;
        return true;
    }

    public void Write(IBufferWriter<byte> output)
    {
        var length = 5 + BoundAddress.EncodedLength;
        var span = output.GetSpan(length);
        span[0] = Socks5Constants.Version;
        span[1] = (byte)Code;
        span[2] = 0;
        var n = 3 + BoundAddress.WriteTo(span[3..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[n..], BoundPort);
        output.Advance(length);
    }

    /// <summary>Redacted: the bound address is left out of logs along with the destination.</summary>
    public override string ToString() => $"Socks5Reply {{ Code = {Code} }}";
}
