using System.Diagnostics.CodeAnalysis;
using Alknet.Engine.Socks5;

namespace Alknet.Engine.HttpConnect;

/// <summary>Throw sites kept out of the response parser's hot path.</summary>
internal static class HttpConnectThrowHelper
{
    [DoesNotReturn]
    public static void ThrowBadStatusLine() =>
        throw new HttpConnectException(Socks5ReplyCode.GeneralFailure, "The proxy sent a malformed HTTP status line.");

    [DoesNotReturn]
    public static void ThrowBadHeader() =>
        throw new HttpConnectException(Socks5ReplyCode.GeneralFailure, "The proxy sent a malformed HTTP header field.");
}
