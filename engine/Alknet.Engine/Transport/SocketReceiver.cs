using System.Net.Sockets;

namespace Alknet.Engine.Transport;

/// <summary>The receive half of a <see cref="SocketConnection"/>: zero-byte waits and receives into pool memory.</summary>
internal sealed class SocketReceiver : SocketAwaitableEventArgs
{
    /// <summary>
    /// Completes when data (or FIN, or an error) is available without holding a buffer while waiting,
    /// so an idle connection pins no memory.
    /// </summary>
    public ValueTask<SocketOperationResult> WaitForDataAsync(Socket socket)
    {
        Prepare();
        SetBuffer(Memory<byte>.Empty);
        return Complete(socket.ReceiveAsync(this));
    }

    public ValueTask<SocketOperationResult> ReceiveAsync(Socket socket, Memory<byte> buffer)
    {
        Prepare();
        SetBuffer(buffer);
        return Complete(socket.ReceiveAsync(this));
    }
}
