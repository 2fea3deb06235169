using System.Net.Sockets;

namespace Alknet.Engine.Transport;

/// <summary>Turns socket error codes into the exceptions a connection's pipes complete with.</summary>
internal static class SocketErrors
{
    /// <summary>True for the errors a socket reports when this side closed or aborted it.</summary>
    public static bool IsLocalAbort(SocketError error) =>
        error is SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument
            or SocketError.NotSocket or SocketError.Shutdown;

    public static IOException ToException(SocketError error) =>
        error switch
        {
            SocketError.ConnectionReset => new IOException("The connection was reset by the peer.", new SocketException((int)error)),
            _ when IsLocalAbort(error) => new IOException("The connection was aborted.", new SocketException((int)error)),
            _ => new IOException("The socket operation failed.", new SocketException((int)error)),
        };

    public static IOException Aborted() =>
        new("The connection was aborted.", new SocketException((int)SocketError.OperationAborted));
}
