using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;
using Alknet.Engine.Transport;

namespace Alknet.Cli.Tunnel;

/// <summary>
/// Opens the TCP connection the SSH session itself runs on: straight to the server, or through the upstream proxy of
/// --proxy with the engine's own dialers. Through a proxy the server's name travels unresolved (SOCKS5h, HTTP
/// CONNECT authority), so it is resolved by the proxy, which may see names this machine cannot.
/// </summary>
internal sealed class SshServerConnector
{
    private readonly IDialer _dialer;

    public SshServerConnector(UpstreamProxy? proxy, DialerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Proxy = proxy;
        _dialer = DialerFactory.Create(proxy, options);
    }

    public UpstreamProxy? Proxy { get; }

    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/>. The returned connection is ready for
    /// <c>SshClient.ConnectAsync(IDuplexPipe, …)</c>; the caller disposes it after the session.
    /// Failures throw <see cref="SshServerUnreachableException"/> with a message for the user.
    /// </summary>
    public async ValueTask<IConnection> ConnectAsync(string host, ushort port, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        try
        {
            return await _dialer.DialAsync(new DialTarget(host, port), cancellationToken).ConfigureAwait(false);
        }
        catch (DialException e)
        {
            throw new SshServerUnreachableException(Describe(host, port, e), e.Reply, e);
        }
    }

    /// <summary>
    /// The SSH server is where the tunnel goes, not a tunnel destination, so naming it is fine (as ssh does); the
    /// proxy's URL is printed with its password masked.
    /// </summary>
    private string Describe(string host, ushort port, DialException e)
    {
        string server = host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
        string via = Proxy is null ? "" : $" via {Proxy}";
        return $"cannot connect to the SSH server {server}{via}: {Socks5ReplyCodeText.Describe(e.Reply)} ({e.Message})";
    }
}
