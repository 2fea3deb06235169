using System.Net.Sockets;

namespace Alknet.Engine.Transport;

/// <summary>The receive half of a <see cref="SocketConnection"/>: zero-byte waits and receives into pool memory.</summary>
internal sealed class SocketReceiver : SocketAwaitableEventArgs
{
    /// <summary>
    /// Completes when the socket may be readable, without holding a buffer while waiting, so an idle connection
    /// pins no memory.
    /// </summary>
    /// <remarks>
    /// A synchronous completion is exact: the runtime first peeks one byte, so it means data, FIN or an error.
    /// An asynchronous completion is only a hint. On Unix the runtime completes a pending zero-byte receive on
    /// any readiness notification without looking at the socket again, and an edge-triggered notification can
    /// arrive for bytes a receive that completed synchronously has already taken. Check
    /// <see cref="WaitCompletedSynchronously"/> and, when false, whether the socket is really readable.
    /// </remarks>
    public ValueTask<SocketOperationResult> WaitForDataAsync(Socket socket)
    {
        Prepare();
        SetBuffer(Memory<byte>.Empty);
        var pending = socket.ReceiveAsync(this);
        WaitCompletedSynchronously = !pending;
        return Complete(pending);
    }

    /// <summary>Whether the last <see cref="WaitForDataAsync"/> completed without waiting.</summary>
    public bool WaitCompletedSynchronously { get; private set; }

    public ValueTask<SocketOperationResult> ReceiveAsync(Socket socket, Memory<byte> buffer)
    {
        Prepare();
        SetBuffer(buffer);
        return Complete(socket.ReceiveAsync(this));
    }
}
