using Alknet.Ssh.Messages;

namespace Alknet.Ssh;

/// <summary>One incoming message payload (message number first). Valid until the next read.</summary>
public readonly struct SshPacket(ReadOnlyMemory<byte> payload)
{
    public ReadOnlyMemory<byte> Payload { get; } = payload;

    public byte MessageNumber => Payload.Span[0];
}

/// <summary>
/// An authenticated SSH session as the connection layer sees it: a stream of connection-protocol messages in, any
/// message out. Key re-exchange happens underneath, transparently.
/// </summary>
public interface ISshPacketChannel
{
    /// <summary>
    /// The next connection-protocol message (80–127). Transport messages are handled underneath; a protocol
    /// violation disconnects the session and throws <see cref="SshProtocolException"/>; the peer's DISCONNECT or a
    /// closed connection throws <see cref="Transport.SshDisconnectedException"/>.
    /// </summary>
    ValueTask<SshPacket> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends a message (queued, bounded, while a key exchange runs).</summary>
    ValueTask WriteAsync<T>(T message, CancellationToken cancellationToken = default) where T : ISshMessage;

    /// <summary>Starts a key re-exchange (it completes in the background as the read loop runs).</summary>
    ValueTask RequestKeyExchangeAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends DISCONNECT and closes the output.</summary>
    ValueTask DisconnectAsync(SshDisconnectReason reason, string description, CancellationToken cancellationToken = default);
}
