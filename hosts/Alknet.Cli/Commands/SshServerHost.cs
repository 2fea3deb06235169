using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Alknet.Cli.Hosting;
using Alknet.Engine.Transport;
using Alknet.Ssh;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Transport;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Commands;

/// <summary>
/// The SSH server's accept loop: one task per connection running the handshake, then the connection layer, with
/// one log line when a connection opens and one when it closes (peer and duration; never a destination).
/// A connection beyond --max-connections-per-ip is reset before the version exchange, so it costs no handshake.
/// </summary>
internal sealed class SshServerHost : IAsyncDisposable
{
    private readonly SocketListener _listener;
    private readonly SshServerOptions _options;
    private readonly ServeSettings _settings;
    private readonly PerAddressLimit _perAddress;
    private readonly ILogger _logger;
    private static readonly uint DefaultPeerWindow = new SshConnectionOptions().AlknetPeerWindowSize;
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private long _nextId;

    private SshServerHost(SocketListener listener, SshServerOptions options, ServeSettings settings, ILogger logger)
    {
        _listener = listener;
        _options = options;
        _settings = settings;
        _perAddress = new PerAddressLimit(settings.MaxConnectionsPerIp);
        _logger = logger;
    }

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    public static SshServerHost Bind(IPEndPoint endpoint, SshServerOptions options, ServeSettings settings, ILogger logger)
    {
        var host = new SshServerHost(SocketListener.Bind(endpoint, 512, MeasurementKnobs.SessionSocket.Pool, MeasurementKnobs.SessionSocket.Options), options, settings, logger);
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
                var peer = PeerAddress.Normalize(socket.RemoteEndPoint);
                var address = (peer as IPEndPoint)?.Address;
                if (address is not null && !_perAddress.TryAcquire(address))
                {
                    ServeLog.RefusedPerIp(_logger, peer, _perAddress.Limit);
                    // A reset, not a FIN: nothing is owed to this client, and no TIME_WAIT is left behind.
                    socket.Abort();
                    await socket.DisposeAsync().ConfigureAwait(false);
                    continue;
                }

                long id = Interlocked.Increment(ref _nextId);
                var connection = new Connection(id, socket, peer, address);
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
        var peer = c.Peer;
        long started = Stopwatch.GetTimestamp();
        string outcome = "closed";
        ServeLog.Opened(_logger, c.Id, peer);
        try
        {
            c.Session = await SshServer.AcceptAsync(c.Socket, _options, peer, c.Cancel.Token).ConfigureAwait(false);
            // Forwarding rights come from the key that authenticated (authorized_keys options, certificate extensions).
            var forwarding = new ServerForwarding(new ServerForwardingOptions { Dialer = _settings.Dialer, GatewayPorts = _settings.GatewayPorts, Logger = _logger }, c.Session.Permissions);
            await using (forwarding.ConfigureAwait(false))
            {
                var connection = new SshConnection(c.Session, new SshConnectionOptions
                {
                    AlknetPeerWindowSize = MeasurementKnobs.PeerWindow(DefaultPeerWindow),
                    Handler = forwarding,
                    MaxChannels = _settings.MaxChannelsPerSession,
                    KeepaliveInterval = _settings.KeepaliveInterval,
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
            if (c.Address is not null) _perAddress.Release(c.Address);
            c.Cancel.Dispose();
            long ms = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            ServeLog.Closed(_logger, c.Id, peer, ms, outcome);
        }
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private sealed class Connection(long id, SocketConnection socket, EndPoint? peer, IPAddress? address)
    {
        public long Id { get; } = id;
        public SocketConnection Socket { get; } = socket;

        /// <summary>The client's endpoint, IPv4-mapped addresses written as IPv4: what every log line of this connection names.</summary>
        public EndPoint? Peer { get; } = peer;

        /// <summary>The address counted against the per-IP limit; null when the socket reported no address.</summary>
        public IPAddress? Address { get; } = address;
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
