using System.IO.Pipelines;
using System.Net;

namespace Alknet.Engine.Transport;

/// <summary>
/// A bidirectional byte stream exposed as pipes: a TCP socket, an SSH channel, or a stream wrapped in pipes.
/// Everything that carries bytes implements this, so the SOCKS5 front end, the relay and the dialers are
/// written once and serve every role.
/// </summary>
/// <remarks>
/// Half-close contract: completing <see cref="IDuplexPipe.Output"/> sends EOF to the peer (TCP FIN, SSH
/// CHANNEL_EOF) while <see cref="IDuplexPipe.Input"/> keeps delivering data; the peer's EOF completes
/// <see cref="IDuplexPipe.Input"/>. <see cref="IAsyncDisposable.DisposeAsync"/> closes both directions
/// and releases every buffer.
/// </remarks>
public interface IConnection : IDuplexPipe, IAsyncDisposable
{
    /// <summary>The local address, when the transport has one (the SOCKS5 reply's BND.ADDR).</summary>
    EndPoint? LocalEndPoint { get; }

    /// <summary>The peer's address, when the transport has one (used in connection-level logs).</summary>
    EndPoint? RemoteEndPoint { get; }

    /// <summary>Tears the connection down now (TCP RST, SSH CHANNEL_CLOSE) without waiting for pending data.</summary>
    void Abort();
}
