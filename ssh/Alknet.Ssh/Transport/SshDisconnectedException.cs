namespace Alknet.Ssh.Transport;

/// <summary>The session ended: the peer sent SSH_MSG_DISCONNECT, or the connection closed.</summary>
public sealed class SshDisconnectedException : Exception
{
    public SshDisconnectedException(SshDisconnectReason reason, string description, bool byPeer)
        : base((byPeer ? "peer disconnected: " : "disconnected: ") + DescribeReason(reason) + (description.Length > 0 ? " (" + description + ")" : ""))
    {
        Reason = reason;
        Description = description;
        ByPeer = byPeer;
    }

    public SshDisconnectReason Reason { get; }
    public string Description { get; }
    public bool ByPeer { get; }

    /// <summary>The RFC 4250 §4.2.2 reason in words, for CLI messages.</summary>
    public static string DescribeReason(SshDisconnectReason reason) => reason switch
    {
        SshDisconnectReason.HostNotAllowedToConnect => "host not allowed to connect",
        SshDisconnectReason.ProtocolError => "protocol error",
        SshDisconnectReason.KeyExchangeFailed => "key exchange failed",
        SshDisconnectReason.MacError => "MAC error",
        SshDisconnectReason.CompressionError => "compression error",
        SshDisconnectReason.ServiceNotAvailable => "service not available",
        SshDisconnectReason.ProtocolVersionNotSupported => "protocol version not supported",
        SshDisconnectReason.HostKeyNotVerifiable => "host key not verifiable",
        SshDisconnectReason.ConnectionLost => "connection lost",
        SshDisconnectReason.ByApplication => "by application",
        SshDisconnectReason.TooManyConnections => "too many connections",
        SshDisconnectReason.AuthCancelledByUser => "authentication cancelled by user",
        SshDisconnectReason.NoMoreAuthMethodsAvailable => "no more authentication methods available",
        SshDisconnectReason.IllegalUserName => "illegal user name",
        _ => "reason " + (uint)reason,
    };
}
