using System.IO.Pipelines;
using System.Net;
using Alknet.Engine.Socks5;
using Alknet.Engine.Transport;

namespace Alknet.Engine.Dialing;

/// <summary>
/// The part the SOCKS5 and HTTP CONNECT dialers share: reach the upstream with the direct dialer's logic
/// (resolution, Happy Eyeballs, connect timeout), run the protocol's client handshake under
/// <see cref="DialerOptions.HandshakeTimeout"/>, and hand back the connection positioned after the handshake.
/// </summary>
public abstract class ProxyDialer : IDialer
{
    private readonly DirectDialer _direct;
    private readonly DialerOptions _options;

    private protected ProxyDialer(UpstreamProxy proxy, DialerOptions? options)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        Proxy = proxy;
        _options = options ?? DialerOptions.Default;
        _direct = new DirectDialer(_options);
    }

    public UpstreamProxy Proxy { get; }

    public async ValueTask<IConnection> DialAsync(DialTarget target, CancellationToken cancellationToken)
    {
        System.Net.Sockets.Socket socket;
        try
        {
            socket = await _direct.ConnectSocketAsync(Proxy.Host, Proxy.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (DialException e)
        {
            throw new DialException(e.Reply, "Could not reach the upstream proxy: " + e.Message);
        }

        var connection = new SocketConnection(socket, _options.Pool, _options.Connection);
        connection.Start();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.HandshakeTimeout);
        try
        {
            await HandshakeAsync(connection, target, Proxy.Credentials, timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new DialException(Socks5ReplyCode.TtlExpired, "The upstream proxy did not complete its handshake in time.");
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private protected abstract ValueTask HandshakeAsync(
        IDuplexPipe upstream, DialTarget target, NetworkCredential? credentials, CancellationToken cancellationToken);
}
