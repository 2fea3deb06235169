using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;
using Alknet.Engine.Transport;
using Microsoft.Extensions.Logging;

namespace Alknet.Engine.Frontend;

/// <summary>
/// A SOCKS5 proxy: accepts TCP connections, runs the RFC 1928 handshake, asks an <see cref="IDialer"/> for the
/// target, answers with the real reply code, and relays until both directions are done. It does not know
/// whether a direct socket, an upstream proxy or an SSH channel is behind the dialer.
/// </summary>
public sealed class Socks5ProxyServer : IAsyncDisposable
{
    private readonly SocketListener _listener;
    private readonly IDialer _dialer;
    private readonly Socks5ProxyOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly CancellationTokenSource _cutOff = new();
    private long _nextId;
    private int _open;

    private Socks5ProxyServer(SocketListener listener, IDialer dialer, Socks5ProxyOptions options, ILogger logger)
    {
        _listener = listener;
        _dialer = dialer;
        _options = options;
        _logger = logger;
    }

    /// <summary>The bound address (with the real port when bound to port 0).</summary>
    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>Connections currently open.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Binds the listening socket. Bind errors (address in use, permission) surface here, before any accept.</summary>
    public static Socks5ProxyServer Bind(IPEndPoint listen, IDialer dialer, Socks5ProxyOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(dialer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var server = new Socks5ProxyServer(SocketListener.Bind(listen), dialer, options, logger);
        Socks5ProxyLog.Listening(logger, server.LocalEndPoint);
        return server;
    }

    /// <summary>
    /// Accepts until <paramref name="stop"/> fires, then stops accepting, lets open connections drain for
    /// <see cref="Socks5ProxyOptions.DrainTimeout"/>, cuts the rest, and returns once every connection is closed.
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using (stop.Register(static s => ((SocketListener)s!).Stop(), _listener))
        {
            while (await _listener.AcceptAsync(CancellationToken.None).ConfigureAwait(false) is { } connection)
            {
                if (_options.MaxConnections > 0 && Volatile.Read(ref _open) >= _options.MaxConnections)
                {
                    Socks5ProxyLog.LimitReached(_logger, connection.RemoteEndPoint, _options.MaxConnections);
                    connection.Abort();
                    await connection.DisposeAsync().ConfigureAwait(false);
                    continue;
                }

                long id = Interlocked.Increment(ref _nextId);
                Interlocked.Increment(ref _open);
                // Register before starting, so a connection that ends at once cannot leave a stale entry behind.
                _connections[id] = Task.CompletedTask;
                _connections.TryUpdate(id, ServeAsync(id, connection), Task.CompletedTask);
            }
        }

        await DrainAsync().ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        if (!_connections.IsEmpty)
        {
            Socks5ProxyLog.Draining(_logger, _connections.Count, _options.DrainTimeout.TotalSeconds);
            var all = Task.WhenAll(_connections.Values);
            if (await Task.WhenAny(all, Task.Delay(_options.DrainTimeout)).ConfigureAwait(false) != all)
            {
                await _cutOff.CancelAsync().ConfigureAwait(false);
                await all.ConfigureAwait(false);
            }
        }

        Socks5ProxyLog.Stopped(_logger);
    }

    private async Task ServeAsync(long id, SocketConnection client)
    {
        // Leave the accept loop at once: everything below runs on the thread pool.
        await Task.Yield();
        var peer = client.RemoteEndPoint;
        long started = Stopwatch.GetTimestamp();
        long up = 0, down = 0;
        string outcome = "handshake";
        IConnection? target = null;
        Socks5ProxyLog.Accepted(_logger, id, peer);
        try
        {
            var token = _cutOff.Token;
            var handshake = await Socks5ServerHandshake.AcceptAsync(client, _options.Handshake, token).ConfigureAwait(false);
            if (!handshake.IsConnect)
            {
                if (handshake.IsAuthenticationFailure) Socks5ProxyLog.AuthFailed(_logger, id, peer);
                else Socks5ProxyLog.HandshakeEnded(_logger, id, peer, handshake.Outcome);
                outcome = handshake.Outcome.ToString();
                return;
            }

            var reply = Socks5ReplyCode.Succeeded;
            try
            {
                target = await _dialer.DialAsync(handshake.Target, token).ConfigureAwait(false);
            }
            catch (DialException e)
            {
                reply = e.Reply;
            }
            catch (OperationCanceledException)
            {
                reply = Socks5ReplyCode.GeneralFailure;
            }

            if (target is null)
            {
                // The client always hears why before the close.
                Socks5ProxyLog.DialFailed(_logger, id, peer, reply);
                outcome = "connect-failed";
                await Socks5ServerHandshake.WriteReplyAsync(client.Output, reply, null, token).ConfigureAwait(false);
                await client.Output.CompleteAsync().ConfigureAwait(false);
                return;
            }

            await Socks5ServerHandshake.WriteReplyAsync(client.Output, reply, target.LocalEndPoint, token).ConfigureAwait(false);
            var result = await Alknet.Engine.Relay.Relay.RunAsync(client, target, _options.Relay, token).ConfigureAwait(false);
            up = result.BytesLeftToRight;
            down = result.BytesRightToLeft;
            outcome = Socks5ProxyLog.Describe(result.Outcome);
        }
        catch (OperationCanceledException)
        {
            outcome = "shutdown";
        }
        catch (Exception e)
        {
            // Only the type: a message from the outbound side could name the destination.
            Socks5ProxyLog.Unexpected(_logger, id, e.GetType().Name);
            outcome = "error";
        }
        finally
        {
            if (target is not null) await target.DisposeAsync().ConfigureAwait(false);
            await client.DisposeAsync().ConfigureAwait(false);
            long ms = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Socks5ProxyLog.Closed(_logger, id, peer, ms, up, down, outcome);
            _connections.TryRemove(id, out _);
            Interlocked.Decrement(ref _open);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        _cutOff.Dispose();
    }
}
