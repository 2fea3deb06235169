using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

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

    // An explicit field so Write reads the 256-octet address in place instead of copying it through a getter.
    private readonly Socks5Address _boundAddress = BoundAddress;

    public Socks5Address BoundAddress => _boundAddress;

    [SkipLocalsInit]
    public static bool TryParse(ref SequenceReader<byte> reader, out Socks5Reply value)
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

    /// <summary>Returns the octets the reply occupies, or 0 when <paramref name="source"/> is incomplete.</summary>
    internal static int TryParse(ReadOnlySpan<byte> source, out Socks5Reply value)
    {
        value = default;
        if (source.IsEmpty)
        {
            return 0;
        }

        if (source[0] != Socks5Constants.Version)
        {
            Socks5ThrowHelper.ThrowBadVersion();
        }

        if (source.Length < 4)
        {
            return 0;
        }

        var addressLength = Socks5Address.TryRead(source[3..], out var address);
        if (addressLength == 0 || source.Length < 3 + addressLength + 2)
        {
            return 0;
        }

        var end = 3 + addressLength;
        value = new Socks5Reply((Socks5ReplyCode)source[1], address, BinaryPrimitives.ReadUInt16BigEndian(source[end..]));
        return end + 2;
    }

    public void Write(IBufferWriter<byte> output)
    {
        var length = 5 + _boundAddress.EncodedLength;
        var span = output.GetSpan(length);
        span[0] = Socks5Constants.Version;
        span[1] = (byte)Code;
        span[2] = 0;
        var n = 3 + _boundAddress.WriteTo(span[3..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[n..], BoundPort);
        output.Advance(length);
    }

    /// <summary>Redacted: the bound address is left out of logs along with the destination.</summary>
    public override string ToString() => $"Socks5Reply {{ Code = {Code} }}";
}
