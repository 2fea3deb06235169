using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
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
[SkipLocalsInit]
public readonly record struct Socks5Reply : IWireMessage<Socks5Reply>
{
    /// <summary>Same bound as a request: 262 octets.</summary>
    public const int MaxLength = Socks5Request.MaxLength;

    // Passed by reference and read in place: see Socks5Request.
    private readonly Socks5Address _boundAddress;
    private readonly Socks5ReplyCode _code;
    private readonly ushort _boundPort;

    public Socks5Reply(Socks5ReplyCode code, in Socks5Address boundAddress, ushort boundPort)
    {
        _code = code;
        _boundAddress = boundAddress;
        _boundPort = boundPort;
    }

    public Socks5ReplyCode Code => _code;

    /// <summary>Returned by reference: the address is a 256-octet inline value.</summary>
    [UnscopedRef]
    public ref readonly Socks5Address BoundAddress => ref _boundAddress;

    public ushort BoundPort => _boundPort;

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

        if (source.Length < 4)
        {
            value = default;
            return 0;
        }

        // The address is read straight into the result (see Socks5Address.TryRead).
        var addressLength = Socks5Address.TryRead(source[3..], ref Unsafe.AsRef(in value._boundAddress));
        if (addressLength == 0 || source.Length < 3 + addressLength + 2)
        {
            value = default;
            return 0;
        }

        var end = 3 + addressLength;
        Unsafe.AsRef(in value._code) = (Socks5ReplyCode)source[1];
        Unsafe.AsRef(in value._boundPort) = BinaryPrimitives.ReadUInt16BigEndian(source[end..]);
        return end + 2;
    }

    /// <summary>
    /// Writes a reply for <paramref name="bound"/> straight into <paramref name="output"/> without building
    /// a <see cref="Socks5Reply"/> value: the server's per-connection answer. Null or a non-IP endpoint is
    /// written as 0.0.0.0:0; an IPv4-mapped IPv6 address as IPv4.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, Socks5ReplyCode code, EndPoint? bound)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (bound is DnsEndPoint)
        {
            var address = Socks5Address.FromEndPoint(bound, out var dnsPort);
            new Socks5Reply(code, address, dnsPort).Write(output);
            return;
        }

        var span = output.GetSpan(22);
        span[0] = Socks5Constants.Version;
        span[1] = (byte)code;
        span[2] = 0;
        var length = 10;
        ushort port = 0;
        if (bound is IPEndPoint ip)
        {
            port = (ushort)ip.Port;
            var a = ip.Address;
            if (a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv4MappedToIPv6)
            {
                span[3] = (byte)Socks5AddressType.IPv6;
                a.TryWriteBytes(span.Slice(4, 16), out _);
                length = 22;
            }
            else
            {
                span[3] = (byte)Socks5AddressType.IPv4;
                if (a.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    // ::ffff:a.b.c.d: the IPv4 address is the last four octets.
                    Span<byte> v6 = stackalloc byte[16];
                    a.TryWriteBytes(v6, out _);
                    v6[12..].CopyTo(span[4..]);
                }
                else
                {
                    a.TryWriteBytes(span.Slice(4, 4), out _);
                }
            }
        }
        else
        {
            span[3] = (byte)Socks5AddressType.IPv4;
            span.Slice(4, 4).Clear();
        }

        BinaryPrimitives.WriteUInt16BigEndian(span[(length - 2)..], port);
        output.Advance(length);
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
