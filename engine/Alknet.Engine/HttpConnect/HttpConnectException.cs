using Alknet.Engine.Socks5;

namespace Alknet.Engine.HttpConnect;

/// <summary>
/// An HTTP CONNECT response that breaks HTTP/1.1 syntax (RFC 9112), carrying the SOCKS5 reply code the
/// client is told (always X'01' general failure: the proxy is broken, the destination is not at fault).
/// </summary>
public sealed class HttpConnectException : Exception
{
    public HttpConnectException(Socks5ReplyCode reply, string message)
        : base(message) => Reply = reply;

    public Socks5ReplyCode Reply { get; }
}
