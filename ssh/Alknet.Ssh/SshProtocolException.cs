namespace Alknet.Ssh;

/// <summary>
/// A violation of the SSH protocol. The session answers it with SSH_MSG_DISCONNECT carrying <see cref="Reason"/>
/// and closes. Messages are safe to send to the peer and to log: they never hold secrets or destinations.
/// </summary>
public sealed class SshProtocolException : Exception
{
    public SshProtocolException(SshDisconnectReason reason, string message, Exception? inner = null)
        : base(message, inner) => Reason = reason;

    public SshDisconnectReason Reason { get; }

    /// <summary>Throw helper: keeps the throw out of hot paths so they stay small and inlinable.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Throw(SshDisconnectReason reason, string message) => throw new SshProtocolException(reason, message);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void ThrowMalformed(string what) =>
        throw new SshProtocolException(SshDisconnectReason.ProtocolError, "malformed " + what);
}
