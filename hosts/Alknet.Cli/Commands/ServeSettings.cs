using Alknet.Engine.Dialing;

namespace Alknet.Cli.Commands;

/// <summary>
/// What <c>alknet serve</c>'s flags decide beyond the SSH handshake, carried into <see cref="SshServerHost"/> and
/// from there to each session's connection layer.
/// </summary>
/// <param name="Dialer">
/// Opens the connection for each direct-tcpip channel: direct, or through the --proxy upstream, with
/// --connect-timeout covering name resolution, the TCP connect and the upstream's handshake.
/// </param>
/// <param name="MaxChannelsPerSession">Open channels one session may hold at a time; 0 = unlimited.</param>
/// <param name="MaxConnectionsPerIp">
/// Open TCP connections one remote address may hold, authenticated or not, checked before the SSH version
/// exchange; 0 = unlimited.
/// </param>
internal sealed record ServeSettings(IDialer Dialer, int MaxChannelsPerSession, int MaxConnectionsPerIp)
{
    /// <summary>sshd's GatewayPorts: remote forwards may listen beyond loopback, on the address the client asks for.</summary>
    public bool GatewayPorts { get; init; }

    /// <summary>Keepalive after this much silence; three unanswered end the session. Zero = off.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(30);
}
