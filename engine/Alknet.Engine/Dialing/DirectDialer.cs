using System.Net;
using System.Net.Sockets;
using Alknet.Engine.Socks5;
using Alknet.Engine.Transport;

namespace Alknet.Engine.Dialing;

/// <summary>
/// Connects straight to the target: resolves names here, then races the addresses with Happy Eyeballs
/// (RFC 8305). <see cref="DialerOptions.ConnectTimeout"/> covers resolution and connection together.
/// </summary>
/// <remarks>
/// Reply codes: timeout X'06'; refused X'05'; host unreachable or name not found X'04'; network
/// unreachable X'03'; not permitted X'02'; anything else X'01'. Exceptions carry no inner socket or DNS
/// exception, because those messages can name the address that was tried.
/// </remarks>
public sealed class DirectDialer : IDialer
{
    private readonly DialerOptions _options;

    public DirectDialer(DialerOptions? options = null) => _options = options ?? DialerOptions.Default;

    public async ValueTask<IConnection> DialAsync(DialTarget target, CancellationToken cancellationToken)
    {
        var socket = await ConnectSocketAsync(target.Host, target.Port, cancellationToken).ConfigureAwait(false);
        var connection = new SocketConnection(socket, _options.Pool, _options.Connection);
        connection.Start();
        return connection;
    }

    /// <summary>Resolves and connects; used as well by the proxy dialers to reach their upstream.</summary>
    internal async Task<Socket> ConnectSocketAsync(string host, ushort port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            var addresses = IPAddress.TryParse(host, out var literal)
                ? [literal]
                : await ResolveAsync(host, timeout.Token).ConfigureAwait(false);
            if (addresses.Length == 0)
            {
                throw new DialException(Socks5ReplyCode.HostUnreachable, "The name resolved to no addresses.");
            }

            return await HappyEyeballs
                .ConnectAsync(HappyEyeballs.Interleave(addresses), port, _options.ConnectionAttemptDelay, timeout.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DialException(Socks5ReplyCode.TtlExpired, "The connection attempt timed out.");
        }
        catch (ArgumentException)
        {
            // The resolver rejects syntactically impossible names (too long, empty labels).
            throw new DialException(Socks5ReplyCode.HostUnreachable, "The name is not a valid host name.");
        }
        catch (SocketException e)
        {
            throw new DialException(SocketErrorMapping.ToReplyCode(e.SocketErrorCode), SocketErrorMapping.Describe(e.SocketErrorCode));
        }
    }

    private Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        _options.Resolver is { } resolver
            ? resolver(host, cancellationToken)
            : Dns.GetHostAddressesAsync(host, cancellationToken);
}
