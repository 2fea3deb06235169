using System.Net;
using Alknet.Engine.Transport;

namespace Alknet.Cli.Commands;

/// <summary>
/// A loopback echo server for <c>socks5-test</c>: every connection gets its bytes back, and its EOF is echoed
/// as an EOF, so the check also proves the proxy honours half-close.
/// </summary>
internal sealed class EchoTarget : IAsyncDisposable
{
    private readonly SocketListener _listener;
    private readonly Task _accepting;

    private EchoTarget(SocketListener listener)
    {
        _listener = listener;
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => _listener.LocalEndPoint;

    public static EchoTarget Start() => new(SocketListener.Bind(new IPEndPoint(IPAddress.Loopback, 0)));

    private async Task AcceptAsync()
    {
        while (await _listener.AcceptAsync().ConfigureAwait(false) is { } connection)
            _ = EchoAsync(connection);
    }

    private static async Task EchoAsync(SocketConnection connection)
    {
        await using (connection)
        {
            try
            {
                await connection.Input.CopyToAsync(connection.Output).ConfigureAwait(false);
                await connection.Output.CompleteAsync().ConfigureAwait(false);
                // Wait until the peer has everything: disposing early could reset the connection.
                await Task.Delay(100).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The client went away; nothing to echo to.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _accepting.ConfigureAwait(false);
    }
}
