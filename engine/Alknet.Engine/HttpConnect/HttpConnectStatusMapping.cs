using Alknet.Engine.Socks5;

namespace Alknet.Engine.HttpConnect;

/// <summary>
/// Maps an HTTP CONNECT status code to the SOCKS5 reply code the client is told.
/// The table and its reasons are recorded in docs/decisions/http-connect-status.md.
/// </summary>
public static class HttpConnectStatusMapping
{
    public static Socks5ReplyCode ToReplyCode(int statusCode) => statusCode switch
    {
        >= 200 and <= 299 => Socks5ReplyCode.Succeeded,
        401 or 403 or 407 => Socks5ReplyCode.ConnectionNotAllowed,
        404 or 410 => Socks5ReplyCode.HostUnreachable,
        502 => Socks5ReplyCode.ConnectionRefused,
        504 => Socks5ReplyCode.TtlExpired,
        _ => Socks5ReplyCode.GeneralFailure,
    };
}
