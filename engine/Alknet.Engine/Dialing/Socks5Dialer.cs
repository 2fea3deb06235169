using System.IO.Pipelines;
using System.Net;
using Alknet.Engine.Socks5;

namespace Alknet.Engine.Dialing;

/// <summary>
/// Dials through an upstream SOCKS5 proxy (RFC 1928, optional RFC 1929 credentials). Names are passed to
/// the upstream unresolved. Reply codes: see <see cref="Socks5ClientHandshake"/>.
/// </summary>
public sealed class Socks5Dialer : ProxyDialer
{
    public Socks5Dialer(UpstreamProxy proxy, DialerOptions? options = null)
        : base(proxy, options)
    {
    }

    private protected override async ValueTask HandshakeAsync(
        IDuplexPipe upstream, DialTarget target, NetworkCredential? credentials, CancellationToken cancellationToken) =>
        await Socks5ClientHandshake.ConnectAsync(upstream, target, credentials, cancellationToken).ConfigureAwait(false);
}
