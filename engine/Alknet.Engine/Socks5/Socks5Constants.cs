namespace Alknet.Engine.Socks5;

/// <summary>Version octets of RFC 1928 and RFC 1929.</summary>
internal static class Socks5Constants
{
    /// <summary>RFC 1928 §3: VER is X'05' in every SOCKS5 message.</summary>
    public const byte Version = 0x05;

    /// <summary>RFC 1929 §2: the subnegotiation's own VER is X'01'.</summary>
    public const byte UserPassVersion = 0x01;
}
