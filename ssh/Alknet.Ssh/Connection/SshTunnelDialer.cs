using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;
using Alknet.Engine.Transport;

namespace Alknet.Ssh.Connection;

/// <summary>
/// An <see cref="IDialer"/> whose connections are "direct-tcpip" channels of the current SSH connection: the SOCKS5
/// front end and local forwards use it unchanged. Names travel unresolved to the server (SOCKS5h): this side never
/// resolves a tunnel destination. While no session is up, dials fail at once with reply 0x01 instead of hanging.
/// </summary>
public sealed class SshTunnelDialer(Func<SshConnection?> currentConnection) : IDialer
{
    public async ValueTask<IConnection> DialAsync(DialTarget target, CancellationToken cancellationToken)
    {
        var connection = currentConnection();
        if (connection is null || connection.IsEnded)
            throw new DialException(Socks5ReplyCode.GeneralFailure, "the SSH session is down");
        try
        {
            // The originator is reported as loopback: the far side has no business knowing local peer addresses.
            return await connection.OpenDirectTcpIpAsync(target.Host, target.Port, "127.0.0.1", 0, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelOpenException e)
        {
            throw new DialException(ChannelOpenFailureMapping.ToReply(e.Reason, e.Description), e.Message, e);
        }
        catch (Exception e) when (e is Transport.SshDisconnectedException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            throw new DialException(Socks5ReplyCode.GeneralFailure, "the SSH session ended", e);
        }
    }
}
