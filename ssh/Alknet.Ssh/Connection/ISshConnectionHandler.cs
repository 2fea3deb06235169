namespace Alknet.Ssh.Connection;

/// <summary>The reply to a global request: success with optional data (for example a bound port), or failure.</summary>
public readonly record struct GlobalRequestReply(bool Success, ReadOnlyMemory<byte> Data)
{
    public static GlobalRequestReply Failure => default;

    public static GlobalRequestReply Ok(ReadOnlyMemory<byte> data = default) => new(true, data);
}

/// <summary>
/// The policy side of a connection: what to do with the peer's channel opens and global requests. The connection
/// itself answers what RFC 4254 and OpenSSH fix (keepalives, no-more-sessions, channel requests, unknown types).
/// </summary>
public interface ISshConnectionHandler
{
    /// <summary>
    /// A "direct-tcpip" or "forwarded-tcpip" open from the peer. Called on the session's read loop, so it must return
    /// at once and do its work (dialing) elsewhere; it must answer the request exactly once, by
    /// <see cref="SshChannelOpenRequest.AcceptAsync"/> or <see cref="SshChannelOpenRequest.RejectAsync"/>.
    /// </summary>
    void OnChannelOpen(SshChannelOpenRequest request);

    /// <summary>
    /// A global request such as "tcpip-forward". Awaited on the read loop, because replies must go out in request
    /// order (RFC 4254 §4); keep it short (binding a socket is fine, dialing is not).
    /// </summary>
    ValueTask<GlobalRequestReply> OnGlobalRequestAsync(SshConnection connection, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}
