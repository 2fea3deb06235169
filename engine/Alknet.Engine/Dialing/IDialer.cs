using Alknet.Engine.Transport;

namespace Alknet.Engine.Dialing;

/// <summary>
/// The outbound side shared by every front end: direct, through an upstream SOCKS5 or HTTP CONNECT proxy,
/// or through an SSH session's direct-tcpip channel.
/// </summary>
public interface IDialer
{
    /// <summary>
    /// Opens a connection to <paramref name="target"/>.
    /// Failures throw <see cref="DialException"/> carrying the SOCKS5 reply code that describes them.
    /// </summary>
    ValueTask<IConnection> DialAsync(DialTarget target, CancellationToken cancellationToken);
}
