using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Alknet.Engine.Transport;

/// <summary>A listening TCP socket that hands out started <see cref="SocketConnection"/>s.</summary>
public sealed class SocketListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly MemoryPool<byte>? _pool;
    private readonly SocketConnectionOptions? _options;
    private volatile bool _stopped;

    private SocketListener(Socket socket, MemoryPool<byte>? pool, SocketConnectionOptions? options)
    {
        _socket = socket;
        _pool = pool;
        _options = options;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>The bound address; carries the real port when bound to port 0.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Binds and listens. Binding to <see cref="IPAddress.IPv6Any"/> accepts IPv4 too (dual mode).</summary>
    public static SocketListener Bind(IPEndPoint endpoint, int backlog = 512) => Bind(endpoint, backlog, null, null);

    /// <summary>Binds and listens; accepted connections use <paramref name="pool"/> and <paramref name="options"/>.</summary>
    public static SocketListener Bind(IPEndPoint endpoint, int backlog, MemoryPool<byte>? pool, SocketConnectionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            // Lets a restarted server rebind while old connections sit in TIME_WAIT (SO_REUSEADDR on Unix).
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
            socket.Listen(backlog);
            return new SocketListener(socket, pool, options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Accepts the next connection and starts it. Returns null once the listener is stopped or disposed.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was canceled.</exception>
    public async ValueTask<SocketConnection?> AcceptAsync(CancellationToken ct = default)
    {
        while (!_stopped)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(ct);
            }
            catch (SocketException ex) when (!_stopped && ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                continue; // The client gave up before we accepted it; that is its business, not ours.
            }
            catch (SocketException) when (_stopped)
            {
                return null;
            }
            catch (ObjectDisposedException) when (_stopped)
            {
                return null;
            }

            var connection = new SocketConnection(accepted, _pool, _options);
            connection.Start();
            return connection;
        }

        return null;
    }

    /// <summary>Stops listening; pending and later <see cref="AcceptAsync"/> calls return null.</summary>
    public void Stop()
    {
        _stopped = true;
        _socket.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}
