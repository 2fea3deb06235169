namespace Alknet.Engine.Socks5;

/// <summary>How a server-side SOCKS5 handshake ended.</summary>
public enum Socks5HandshakeOutcome
{
    /// <summary>A CONNECT request: dial the target, then answer with <see cref="Socks5ServerHandshake.WriteReplyAsync"/>.</summary>
    Connect,

    /// <summary>The client offered no method this server accepts; it was answered X'FF'.</summary>
    NoAcceptableMethod,

    /// <summary>RFC 1929 authentication failed; the client was answered with a failure status.</summary>
    AuthenticationFailed,

    /// <summary>BIND, UDP ASSOCIATE or an unknown command; the client was answered X'07'.</summary>
    CommandNotSupported,

    /// <summary>An unknown address type; the client was answered X'08'.</summary>
    AddressTypeNotSupported,

    /// <summary>Malformed, oversized or truncated input; the client was answered when the protocol state allows.</summary>
    Malformed,

    /// <summary>The handshake did not finish within <see cref="Socks5ServerOptions.HandshakeTimeout"/>.</summary>
    TimedOut,

    /// <summary>The client closed the connection before sending anything.</summary>
    ClientClosed,
}
