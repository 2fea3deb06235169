namespace Alknet.Engine.Socks5;

/// <summary>RFC 1928 §6's wording for each reply code, for people reading a diagnostic.</summary>
public static class Socks5ReplyCodeText
{
    public static string Describe(Socks5ReplyCode code) => code switch
    {
        Socks5ReplyCode.Succeeded => "succeeded",
        Socks5ReplyCode.GeneralFailure => "general SOCKS server failure",
        Socks5ReplyCode.ConnectionNotAllowed => "connection not allowed by ruleset",
        Socks5ReplyCode.NetworkUnreachable => "network unreachable",
        Socks5ReplyCode.HostUnreachable => "host unreachable",
        Socks5ReplyCode.ConnectionRefused => "connection refused",
        Socks5ReplyCode.TtlExpired => "TTL expired (connect timed out)",
        Socks5ReplyCode.CommandNotSupported => "command not supported",
        Socks5ReplyCode.AddressTypeNotSupported => "address type not supported",
        _ => "unassigned reply code",
    };
}
