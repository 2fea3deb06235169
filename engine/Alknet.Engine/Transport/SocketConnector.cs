using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Alknet.Engine.Transport;

/// <summary>Opens outbound TCP connections as started <see cref="SocketConnection"/>s.</summary>
/// <remarks>Dialers that race addresses (Happy Eyeballs) connect raw sockets themselves and wrap the winner.</remarks>
public static class SocketConnector
{
    /// <summary>Connects to one address and starts the connection.</summary>
    public static ValueTask<SocketConnection> ConnectAsync(IPEndPoint ep, CancellationToken ct) =>
        ConnectAsync(ep, null, null, ct);

    /// <summary>Connects to one address with an explicit pool and tuning, and starts the connection.</summary>
    public static async ValueTask<SocketConnection> ConnectAsync(
        IPEndPoint ep, MemoryPool<byte>? pool, SocketConnectionOptions? options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ep);
        var socket = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(ep, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new SocketConnection(socket, pool, options);
        connection.Start();
        return connection;
    }
}
