using System.IO.Pipelines;
using System.Net;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Transport;

namespace Alknet.Ssh;

/// <summary>Server role: version exchange, key exchange and user authentication over one connection.</summary>
public static class SshServer
{
    /// <summary>
    /// Runs the server side of the handshake on <paramref name="pipe"/> and returns the authenticated session.
    /// Protocol violations are answered with DISCONNECT and rethrown as <see cref="SshProtocolException"/>;
    /// exceeding <see cref="SshServerOptions.LoginGraceTime"/> throws <see cref="TimeoutException"/>.
    /// </summary>
    public static async Task<SshSession> AcceptAsync(IDuplexPipe pipe, SshServerOptions options, EndPoint? remoteEndPoint = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(options);
        var transport = new SshTransport(pipe, options, isServer: true, hostKeys: options.HostKeys);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(options.LoginGraceTime);
        try
        {
            await transport.HandshakeAsync(grace.Token).ConfigureAwait(false);
            var result = await UserAuthServer.RunAsync(transport, options, remoteEndPoint, grace.Token).ConfigureAwait(false);
            return new SshSession(transport, result.User, result.Key, result.Permissions);
        }
        catch (OperationCanceledException) when (grace.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await transport.DisconnectAsync(SshDisconnectReason.ByApplication, "login grace time exceeded", CancellationToken.None).ConfigureAwait(false);
            await transport.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException("login grace time exceeded");
        }
        catch (SshProtocolException e)
        {
            await transport.DisconnectAsync(e.Reason, e.Message, CancellationToken.None).ConfigureAwait(false);
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
