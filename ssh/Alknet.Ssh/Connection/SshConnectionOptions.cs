using Microsoft.Extensions.Logging;

namespace Alknet.Ssh.Connection;

/// <summary>Settings of the connection protocol (RFC 4254) over one authenticated session.</summary>
public sealed class SshConnectionOptions
{
    /// <summary>
    /// The receive window advertised to peers in general: OpenSSH's own CHAN_TCP_WINDOW_DEFAULT (2 MiB), which is
    /// what OpenSSH peers expect and size their buffers for.
    /// </summary>
    public uint InitialWindowSize { get; init; } = 2 * 1024 * 1024;

    /// <summary>
    /// The receive window advertised when the peer is Alknet (its banner says so). Throughput per channel is at most
    /// window / round-trip time, so a larger window carries more per channel on long links; see
    /// docs/decisions/channel-window.md for the measurement behind the figure.
    /// </summary>
    public uint AlknetPeerWindowSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Largest data payload per CHANNEL_DATA we accept (OpenSSH's CHAN_TCP_PACKET_DEFAULT).</summary>
    public uint MaxPacketSize { get; init; } = 32 * 1024;

    /// <summary>Channels open at once, both directions counted; more are refused as resource shortage. 0 = no limit.</summary>
    public int MaxChannels { get; init; }

    /// <summary>
    /// Send keepalive@openssh.com when nothing was received for this long (OpenSSH ServerAliveInterval /
    /// ClientAliveInterval). <see cref="TimeSpan.Zero"/> disables keepalives.
    /// </summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.Zero;

    /// <summary>Unanswered keepalives before the peer is declared dead and the session closed (OpenSSH default 3).</summary>
    public int KeepaliveCountMax { get; init; } = 3;

    /// <summary>Opens and global requests the connection does not answer itself go here; null refuses them all.</summary>
    public ISshConnectionHandler? Handler { get; init; }

    public ILogger? Logger { get; init; }
}
