using System.IO.Pipelines;
using System.Net;
using Alknet.Engine.HttpConnect;

namespace Alknet.Engine.Dialing;

/// <summary>
/// Dials through an upstream HTTP proxy with CONNECT (optional Basic credentials). Names are passed to
/// the proxy unresolved. Status mapping: <see cref="HttpConnectStatusMapping"/>.
/// </summary>
public sealed class HttpConnectDialer : ProxyDialer
{
    public HttpConnectDialer(UpstreamProxy proxy, DialerOptions? options = null)
        : base(proxy, options)
    {
    }

    private protected override async ValueTask HandshakeAsync(
        IDuplexPipe upstream, DialTarget target, NetworkCredential? credentials, CancellationToken cancellationToken) =>
        await HttpConnectClientHandshake.ConnectAsync(upstream, target, credentials, cancellationToken).ConfigureAwait(false);
}
