using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Alknet.Engine.Transport;
using Alknet.Ssh;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Transport;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Commands;

/// <summary>
/// The SSH server's accept loop: one task per connection running the handshake, then the connection layer, with
/// one log line when a connection opens and one when it closes (peer and duration; never a destination).
/// </summary>
internal sealed class SshServerHost : IAsyncDisposable
{
    private readonly SocketListener _listener;
    private readonly SshServerOptions _options;
    private readonly ServerForwardingOptions _forwarding;
    private readonly SshConnectionOptions _connection;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private long _nextId;

    private SshServerHost(SocketListener listener, SshServerOptions options, ServerForwardingOptions forwarding, SshConnectionOptions connection, ILogger logger)
    {
        _listener = listener;
        _options = options;
        _forwarding = forwarding;
        _connection = connection;
        _logger = logger;
    }

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <param name="connection">Connection-layer settings for every session (limits, keepalive); its handler is replaced per session.</param>
    public static SshServerHost Bind(IPEndPoint endpoint, SshServerOptions options, ServerForwardingOptions forwarding, SshConnectionOptions connection, ILogger logger)
    {
        var host = new SshServerHost(SocketListener.Bind(endpoint), options, forwarding, connection, logger);
        ServeLog.Listening(logger, host.LocalEndPoint);
        return host;
    }

    /// <summary>Accepts until <paramref name="stop"/>; then sends DISCONNECT to every session and drains.</summary>
    public async Task RunAsync(TimeSpan drain, CancellationToken stop)
    {
        using (stop.Register(static l => ((SocketListener)l!).Stop(), _listener))
        {
            while (await _listener.AcceptAsync(CancellationToken.None).ConfigureAwait(false) is { } socket)
            {
                long id = Interlocked.Increment(ref _nextId);
                var connection = new Connection(id, socket);
                _connections[id] = connection;
                connection.Task = ServeAsync(connection);
            }
        }

        if (_connections.IsEmpty) return;
        ServeLog.Stopping(_logger, _connections.Count);
        foreach (var c in _connections.Values) await c.ShutdownAsync().ConfigureAwait(false);
        var all = Task.WhenAll(_connections.Values.Select(c => c.Task ?? Task.CompletedTask));
        if (await Task.WhenAny(all, Task.Delay(drain, CancellationToken.None)).ConfigureAwait(false) != all)
        {
            foreach (var c in _connections.Values) c.Socket.Abort();
            await all.ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(Connection c)
    {
        await Task.Yield();
        var peer = c.Socket.RemoteEndPoint;
        long started = Stopwatch.GetTimestamp();
        string outcome = "closed";
        ServeLog.Opened(_logger, c.Id, peer);
        try
        {
            c.Session = await SshServer.AcceptAsync(c.Socket, _options, peer, c.Cancel.Token).ConfigureAwait(false);
            // Forwarding rights come from the key that authenticated (authorized_keys options, certificate extensions).
            var forwarding = new ServerForwarding(_forwarding, c.Session.Permissions);
            await using (forwarding.ConfigureAwait(false))
            {
                var connection = new SshConnection(c.Session, new SshConnectionOptions
                {
                    Handler = forwarding,
                    MaxChannels = _connection.MaxChannels,
                    InitialWindowSize = _connection.InitialWindowSize,
                    AlknetPeerWindowSize = _connection.AlknetPeerWindowSize,
                    MaxPacketSize = _connection.MaxPacketSize,
                    KeepaliveInterval = _connection.KeepaliveInterval,
                    KeepaliveCountMax = _connection.KeepaliveCountMax,
                    Logger = _logger,
                });
                await connection.RunAsync(c.Cancel.Token).ConfigureAwait(false);
            }
        }
        catch (SshDisconnectedException e)
        {
            outcome = e.ByPeer ? $"disconnected by peer ({SshDisconnectedException.DescribeReason(e.Reason)})"
                               : $"disconnected ({SshDisconnectedException.DescribeReason(e.Reason)})";
        }
        catch (SshProtocolException e)
        {
            outcome = $"protocol violation ({SshDisconnectedException.DescribeReason(e.Reason)}): {e.Message}";
        }
        catch (TimeoutException)
        {
            outcome = "login grace time exceeded";
        }
        catch (OperationCanceledException)
        {
            outcome = "server shutdown";
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            outcome = "connection lost";
        }
        catch (Exception e)
        {
            ServeLog.Unexpected(_logger, c.Id, e.GetType().Name);
            outcome = "internal error";
        }
        finally
        {
            if (c.Session is not null) await c.Session.DisposeAsync().ConfigureAwait(false);
            await c.Socket.DisposeAsync().ConfigureAwait(false);
            _connections.TryRemove(c.Id, out _);
            c.Cancel.Dispose();
            long ms = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            ServeLog.Closed(_logger, c.Id, peer, ms, outcome);
        }
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private sealed class Connection(long id, SocketConnection socket)
    {
        public long Id { get; } = id;
        public SocketConnection Socket { get; } = socket;
        public CancellationTokenSource Cancel { get; } = new();
        public SshSession? Session { get; set; }
        public Task? Task { get; set; }

        /// <summary>Authenticated sessions hear DISCONNECT (by application); handshakes in progress are cancelled.</summary>
        public async Task ShutdownAsync()
        {
            try
            {
                if (Session is { } s) await s.DisconnectAsync(SshDisconnectReason.ByApplication, "server shutting down").ConfigureAwait(false);
                else await Cancel.CancelAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or SshDisconnectedException)
            {
                // Already gone.
            }
        }
    }
}
