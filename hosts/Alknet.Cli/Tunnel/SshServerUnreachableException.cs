using Alknet.Engine.Socks5;

namespace Alknet.Cli.Tunnel;

/// <summary>The TCP connection (or the upstream proxy's CONNECT) to the SSH server failed.</summary>
internal sealed class SshServerUnreachableException(string message, Socks5ReplyCode reply, Exception inner) : Exception(message, inner)
{
    /// <summary>The dialer's reason as a SOCKS5 reply code: refused, unreachable, timed out, denied by the proxy...</summary>
    public Socks5ReplyCode Reply { get; } = reply;
}
