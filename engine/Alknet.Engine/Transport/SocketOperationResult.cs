using System.Net.Sockets;

namespace Alknet.Engine.Transport;

/// <summary>The outcome of one socket receive or send: a byte count or a socket error, as a value.</summary>
internal readonly struct SocketOperationResult
{
    public SocketOperationResult(int bytesTransferred, SocketError error)
    {
        BytesTransferred = bytesTransferred;
        Error = error;
    }

    public int BytesTransferred { get; }

    public SocketError Error { get; }

    public bool HasError => Error != SocketError.Success;
}
