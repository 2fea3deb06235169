namespace Alknet.Engine.Socks5;

/// <summary>RFC 1928 §5, the ATYP field of requests and replies.</summary>
public enum Socks5AddressType : byte
{
    IPv4 = 0x01,
    DomainName = 0x03,
    IPv6 = 0x04,
}
