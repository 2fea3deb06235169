using System.Net;
using Alknet.Engine.Dialing;
using Alknet.Engine.Relay;
using Alknet.Engine.Transport;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Tunnel;

/// <summary>
/// One local forward (ssh -L): a listener here whose every connection becomes a channel to a fixed target through
/// the tunnel's dialer. When the session is down the connection is closed at once.
/// </summary>
internal sealed class LocalForwardServer : IAsyncDisposable
{
    private readonly SocketListener _listener;
    private readonly IDialer _tunnel;
    private readonly DialTarget _target;
    private readonly ILogger _logger;

    private LocalForwardServer(SocketListener listener, IDialer tunnel, DialTarget target, ILogger logger)
    {
        _listener = listener;
        _tunnel = tunnel;
        _target = target;
        _logger = logger;
    }

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    public static LocalForwardServer Bind(IPEndPoint listen, DialTarget target, IDialer tunnel, ILogger logger) =>
        new(SocketListener.Bind(listen), tunnel, target, logger);

    public async Task RunAsync(CancellationToken stop)
    {
        var running = new List<Task>();
        using (stop.Register(static l => ((SocketListener)l!).Stop(), _listener))
        {
            while (await _listener.AcceptAsync(CancellationToken.None).ConfigureAwait(false) is { } socket)
            {
                running.RemoveAll(static t => t.IsCompleted);
                running.Add(Task.Run(() => ServeAsync(socket, stop), CancellationToken.None));
            }
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task ServeAsync(SocketConnection socket, CancellationToken stop)
    {
        await using (socket.ConfigureAwait(false))
        {
            IConnection channel;
            try
            {
                channel = await _tunnel.DialAsync(_target, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DialException or OperationCanceledException)
            {
                // The listen port is ours to log; the target is a destination and is not.
                if (_logger.IsEnabled(LogLevel.Information))
                    _logger.LogInformation("local forward on port {Port}: connection from {Peer} refused ({Reason})", LocalEndPoint.Port, socket.RemoteEndPoint,
                        e is DialException d ? Alknet.Engine.Socks5.Socks5ReplyCodeText.Describe(d.Reply) : "shutdown");
                socket.Abort();
                return;
            }
            await using (channel.ConfigureAwait(false))
                await Relay.RunAsync(socket, channel, RelayOptions.Default, stop).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
