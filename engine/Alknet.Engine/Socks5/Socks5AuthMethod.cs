namespace Alknet.Engine.Socks5;

/// <summary>RFC 1928 §3, the METHOD values of method selection.</summary>
public enum Socks5AuthMethod : byte
{
    NoAuthentication = 0x00,
    Gssapi = 0x01,
    UserNamePassword = 0x02,
    NoAcceptableMethods = 0xFF,
}
