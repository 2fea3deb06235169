namespace Alknet.Engine.Socks5;

/// <summary>RFC 1928 §4, the CMD field of a request.</summary>
public enum Socks5Command : byte
{
    Connect = 0x01,
    Bind = 0x02,
    UdpAssociate = 0x03,
}
