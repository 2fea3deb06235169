using System.IO.Pipelines;
using System.Net;
using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;

namespace Alknet.Engine.HttpConnect;

/// <summary>
/// The client side of HTTP CONNECT (RFC 9110 §9.3.6) over any <see cref="IDuplexPipe"/>, used to dial
/// through an upstream HTTP proxy.
/// </summary>
/// <remarks>
/// Only the response's status line and header block are consumed. Bytes the proxy sent after the empty
/// line (tunnel data that arrived in the same segment) stay in the pipe for the relay. Failures are
/// <see cref="DialException"/>s with the code from <see cref="HttpConnectStatusMapping"/>; a broken or
/// oversized (more than <see cref="HttpConnectResponse.MaxHeaderBytes"/>) response, or a close before the
/// header block ends, is X'01'.
/// </remarks>
public static class HttpConnectClientHandshake
{
    /// <summary>Sends CONNECT for <paramref name="target"/> and returns the proxy's 2xx status code.</summary>
    public static async ValueTask<int> ConnectAsync(
        IDuplexPipe upstream, DialTarget target, NetworkCredential? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        new HttpConnectRequest(target, credentials).Write(upstream.Output);
        try
        {
            await upstream.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            var (status, response) = await MessageReader
                .ReadAsync<HttpConnectResponse>(upstream.Input, HttpConnectResponse.MaxHeaderBytes, cancellationToken)
                .ConfigureAwait(false);
            switch (status)
            {
                case MessageReadStatus.Message:
                    break;
                case MessageReadStatus.TooLarge:
                    throw new DialException(Socks5ReplyCode.GeneralFailure, "The upstream HTTP proxy's response header block is too large.");
                default:
                    throw new DialException(Socks5ReplyCode.GeneralFailure, "The upstream HTTP proxy closed the connection before its response was complete.");
            }

            var code = HttpConnectStatusMapping.ToReplyCode(response.StatusCode);
            return code == Socks5ReplyCode.Succeeded
                ? response.StatusCode
                : throw new DialException(code, $"The upstream HTTP proxy answered CONNECT with status {response.StatusCode}.");
        }
        catch (HttpConnectException e)
        {
            throw new DialException(e.Reply, e.Message, e);
        }
        catch (IOException e)
        {
            throw new DialException(Socks5ReplyCode.GeneralFailure, "The connection to the upstream HTTP proxy failed during the handshake.", e);
        }
    }
}
