using Alknet.Engine.Dialing;

namespace Alknet.Engine.Socks5;

/// <summary>
/// The result of <see cref="Socks5ServerHandshake.AcceptAsync"/>. <see cref="Target"/> is meaningful only
/// when <see cref="Outcome"/> is <see cref="Socks5HandshakeOutcome.Connect"/>; domain names in it are
/// unresolved (SOCKS5h). Every other outcome has already been answered on the wire where the protocol
/// allows it, and the caller closes the connection.
/// </summary>
public readonly record struct Socks5HandshakeResult(Socks5HandshakeOutcome Outcome, DialTarget Target)
{
    public bool IsConnect => Outcome == Socks5HandshakeOutcome.Connect;

    /// <summary>True when the handshake failed because of credentials (log it with the peer address).</summary>
    public bool IsAuthenticationFailure => Outcome == Socks5HandshakeOutcome.AuthenticationFailed;

    internal static Socks5HandshakeResult Failed(Socks5HandshakeOutcome outcome) => new(outcome, default);
}
