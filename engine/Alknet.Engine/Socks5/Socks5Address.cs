using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Alknet.Engine.Dialing;

namespace Alknet.Engine.Socks5;

/// <summary>
/// RFC 1928 §5, an address field (ATYP followed by DST.ADDR or BND.ADDR): an IPv4 address, an IPv6 address
/// or a domain name of 1..255 octets.
/// </summary>
/// <remarks>
/// The octets are held inline so that parsing a request or writing a reply allocates nothing; converting to
/// a host string (<see cref="ToHostString"/>) allocates once per connection. Domain names stay unresolved.
/// <see cref="ToString"/> is redacted because this is a tunnel destination.
/// </remarks>
[SkipLocalsInit]
public readonly struct Socks5Address : IEquatable<Socks5Address>
{
    /// <summary>RFC 1928 §5: the domain name's length is one octet.</summary>
    public const int MaxDomainLength = 255;

    /// <summary>ATYP + length octet + 255 octets: the longest encoded address.</summary>
    public const int MaxEncodedLength = 2 + MaxDomainLength;

    private readonly AddressOctets _octets;
    private readonly byte _length;
    private readonly Socks5AddressType _type;

    private Socks5Address(Socks5AddressType type, ReadOnlySpan<byte> octets)
    {
        // Octets past _length are never read, so the 255-octet buffer is not zeroed first.
        Unsafe.SkipInit(out this);
        _type = type;
        _length = (byte)octets.Length;
        octets.CopyTo(_octets);
    }

    /// <summary>0.0.0.0, the BND.ADDR of a reply that has nothing better to report.</summary>
    public static Socks5Address IPv4Any => new(Socks5AddressType.IPv4, [0, 0, 0, 0]);

    public Socks5AddressType Type => _type;

    /// <summary>The address octets: 4 for IPv4, 16 for IPv6, the name's octets for a domain.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Octets => ((ReadOnlySpan<byte>)_octets)[.._length];

    /// <summary>Octets this address occupies on the wire, ATYP included.</summary>
    public int EncodedLength => Type == Socks5AddressType.DomainName ? 2 + _length : 1 + _length;

    public static Socks5Address FromIPAddress(IPAddress address)
    {
        Span<byte> buffer = stackalloc byte[16];
        if (!address.TryWriteBytes(buffer, out var written))
        {
            throw new ArgumentException("The address could not be encoded.", nameof(address));
        }

        return new Socks5Address(written == 4 ? Socks5AddressType.IPv4 : Socks5AddressType.IPv6, buffer[..written]);
    }

    /// <summary>A domain name given as its octets (1..255, not validated further: the resolver decides).</summary>
    public static Socks5Address FromDomain(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > MaxDomainLength)
        {
            throw new ArgumentException("A SOCKS5 domain name is 1 to 255 octets long.", nameof(name));
        }

        return new Socks5Address(Socks5AddressType.DomainName, name);
    }

    /// <summary>An IP literal becomes ATYP IPv4/IPv6; anything else travels as a domain name, unresolved.</summary>
    public static Socks5Address FromHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (IPAddress.TryParse(host, out var ip))
        {
            return FromIPAddress(ip);
        }

        var count = Encoding.UTF8.GetByteCount(host);
        if (count == 0 || count > MaxDomainLength)
        {
            throw new ArgumentException("A SOCKS5 domain name is 1 to 255 octets long.", nameof(host));
        }

        Span<byte> buffer = stackalloc byte[MaxDomainLength];
        var written = Encoding.UTF8.GetBytes(host, buffer);
        return new Socks5Address(Socks5AddressType.DomainName, buffer[..written]);
    }

    /// <summary>The BND.ADDR for an endpoint; null or a non-IP endpoint becomes 0.0.0.0.</summary>
    public static Socks5Address FromEndPoint(EndPoint? endPoint, out ushort port)
    {
        switch (endPoint)
        {
            case IPEndPoint ip:
                port = (ushort)ip.Port;
                return FromIPAddress(ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address);
            case DnsEndPoint dns:
                port = (ushort)dns.Port;
                return FromHost(dns.Host);
            default:
                port = 0;
                return IPv4Any;
        }
    }

    /// <summary>The host as text: an IP literal or the domain name. Allocates.</summary>
    public string ToHostString() => Type switch
    {
        Socks5AddressType.DomainName => Encoding.UTF8.GetString(Octets),
        _ => new IPAddress(Octets).ToString(),
    };

    public DialTarget ToDialTarget(ushort port) => new(ToHostString(), port);

    public EndPoint ToEndPoint(ushort port) => Type switch
    {
        Socks5AddressType.DomainName => new DnsEndPoint(Encoding.UTF8.GetString(Octets), port, AddressFamily.Unspecified),
        _ => new IPEndPoint(new IPAddress(Octets), port),
    };

    /// <summary>
    /// Reads ATYP and the address from the start of <paramref name="source"/> into <paramref name="address"/>.
    /// Returns the octets read, or 0 when <paramref name="source"/> ends before the address does (every
    /// encoded address is at least 5 octets); <paramref name="address"/> is then unspecified.
    /// </summary>
    /// <exception cref="Socks5Exception">Unknown ATYP (0x08) or a zero-length domain (0x01).</exception>
    internal static int TryRead(ReadOnlySpan<byte> source, ref Socks5Address address)
    {
        if (source.IsEmpty)
        {
            return 0;
        }

        int start, length;
        switch ((Socks5AddressType)source[0])
        {
            case Socks5AddressType.IPv4:
                (start, length) = (1, 4);
                break;
            case Socks5AddressType.IPv6:
                (start, length) = (1, 16);
                break;
            case Socks5AddressType.DomainName:
                if (source.Length < 2)
                {
                    return 0;
                }

                if (source[1] == 0)
                {
                    Socks5ThrowHelper.ThrowEmptyDomain();
                }

                (start, length) = (2, source[1]);
                break;
            default:
                Socks5ThrowHelper.ThrowAddressTypeNotSupported();
                return 0;
        }

        if (source.Length < start + length)
        {
            return 0;
        }

        // Written in place: the destination is usually a field of the message being parsed, and building a
        // 256-octet temporary to copy over it costs more than the whole rest of the parse.
        Unsafe.AsRef(in address._type) = (Socks5AddressType)source[0];
        Unsafe.AsRef(in address._length) = (byte)length;
        source.Slice(start, length).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.AsRef(in address._octets[0]), MaxDomainLength));
        return start + length;
    }

    /// <summary>Writes ATYP and the address; <paramref name="destination"/> holds at least <see cref="EncodedLength"/>.</summary>
    internal int WriteTo(Span<byte> destination)
    {
        var octets = Octets;
        destination[0] = (byte)Type;
        if (Type == Socks5AddressType.DomainName)
        {
            destination[1] = (byte)octets.Length;
            octets.CopyTo(destination[2..]);
            return 2 + octets.Length;
        }

        octets.CopyTo(destination[1..]);
        return 1 + octets.Length;
    }

    internal static void WritePort(Span<byte> destination, ushort port) =>
        BinaryPrimitives.WriteUInt16BigEndian(destination, port);

    public bool Equals(Socks5Address other) => Type == other.Type && Octets.SequenceEqual(other.Octets);

    public override bool Equals(object? obj) => obj is Socks5Address other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.AddBytes(Octets);
        return hash.ToHashCode();
    }

    /// <summary>Deliberately redacted: a tunnel destination must never reach a log line by accident.</summary>
    public override string ToString() => "<destination>";

    public static bool operator ==(Socks5Address left, Socks5Address right) => left.Equals(right);

    public static bool operator !=(Socks5Address left, Socks5Address right) => !left.Equals(right);

    [InlineArray(MaxDomainLength)]
    private struct AddressOctets
    {
        private byte _element0;
    }
}
