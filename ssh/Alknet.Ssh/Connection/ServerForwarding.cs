using System.Net;
using Alknet.Engine.Dialing;
using Alknet.Engine.Relay;
using Alknet.Engine.Socks5;
using Alknet.Engine.Transport;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Messages;
using Microsoft.Extensions.Logging;

namespace Alknet.Ssh.Connection;

/// <summary>Settings of the server's forwarding (what <c>alknet serve</c> does with channels).</summary>
public sealed class ServerForwardingOptions
{
    /// <summary>Every direct-tcpip target is dialed through this: direct, or via an upstream SOCKS5 / HTTP proxy.</summary>
    public required IDialer Dialer { get; init; }

    public RelayOptions Relay { get; init; } = RelayOptions.Default;

    /// <summary>
    /// OpenSSH's GatewayPorts: when false (the default, as in sshd) remote forwards listen on loopback only, whatever
    /// address the client asked for, so a client cannot open a port to the world by accident.
    /// </summary>
    public bool GatewayPorts { get; init; }

    public ILogger? Logger { get; init; }
}

/// <summary>
/// The server's side of TCP/IP forwarding (RFC 4254 §7): direct-tcpip channels are dialed through the configured
/// <see cref="IDialer"/> and relayed; tcpip-forward requests bind listeners whose connections come back to the client
/// as forwarded-tcpip channels. The key's permissions (authorized_keys options, certificate extensions) are enforced
/// here, and destinations beginning with "alknet-" are reserved: refused and never dialed.
/// </summary>
public sealed class ServerForwarding : ISshConnectionHandler, IAsyncDisposable
{
    /// <summary>Destination names with this prefix are kept for Alknet's own use between its peers.</summary>
    public const string ReservedPrefix = "alknet-";

    private readonly ServerForwardingOptions _options;
    private readonly ForwardingPermissions _permissions;
    private readonly Dictionary<(string Address, ushort Port), RemoteForwardListener> _listeners = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _work = [];

    public ServerForwarding(ServerForwardingOptions options, ForwardingPermissions permissions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(permissions);
        _options = options;
        _permissions = permissions;
    }

    /// <summary>Channels opened and then closed, for connection-level logs.</summary>
    public int ChannelsServed => Volatile.Read(ref _served);

    private int _served;

    public void OnChannelOpen(SshChannelOpenRequest request)
    {
        if (request.ChannelType != TcpIpChannelData.DirectTcpIp)
        {
            Track(request.RejectAsync(ChannelOpenFailureReason.AdministrativelyProhibited, "only direct-tcpip channels are accepted here").AsTask());
            return;
        }
        var target = request.Endpoints;
        if (target.Host.Length == 0 || target.Host.Length > 255 || target.Port is 0 or > ushort.MaxValue)
        {
            Track(request.RejectAsync(ChannelOpenFailureReason.ConnectFailed, "invalid destination").AsTask());
            return;
        }
        if (target.Host.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            Track(request.RejectAsync(ChannelOpenFailureReason.AdministrativelyProhibited, "reserved destination").AsTask());
            return;
        }
        if (!_permissions.IsOpenAllowed(target.Host, (ushort)target.Port))
        {
            Track(request.RejectAsync(ChannelOpenFailureReason.AdministrativelyProhibited,
                _permissions.AllowPortForwarding ? "destination not permitted for this key (permitopen)" : "port forwarding is not permitted for this key").AsTask());
            return;
        }
        Track(Task.Run(() => DialAndRelayAsync(request, new DialTarget(target.Host, (ushort)target.Port))));
    }

    private async Task DialAndRelayAsync(SshChannelOpenRequest request, DialTarget target)
    {
        IConnection outbound;
        try
        {
            outbound = await _options.Dialer.DialAsync(target, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DialException or OperationCanceledException)
        {
            var reply = e is DialException d ? d.Reply : Socks5ReplyCode.GeneralFailure;
            var (reason, description) = ChannelOpenFailureMapping.FromDial(reply);
            await RejectQuietlyAsync(request, reason, description).ConfigureAwait(false);
            return;
        }
        await using (outbound.ConfigureAwait(false))
        {
            SshChannel channel;
            try
            {
                channel = await request.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsSessionGone(e))
            {
                return;
            }
            await using (channel.ConfigureAwait(false))
            {
                await Relay.RunAsync(channel, outbound, _options.Relay, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _served);
            }
        }
    }

    private static async Task RejectQuietlyAsync(SshChannelOpenRequest request, ChannelOpenFailureReason reason, string description)
    {
        try
        {
            await request.RejectAsync(reason, description).ConfigureAwait(false);
        }
        catch (Exception e) when (IsSessionGone(e))
        {
            // The session ended while we dialed.
        }
    }

    public async ValueTask<GlobalRequestReply> OnGlobalRequestAsync(SshConnection connection, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        switch (name)
        {
            case TcpIpForwardRequestData.TcpIpForward:
                return Listen(connection, TcpIpForwardRequestData.Read(data.Span));
            case TcpIpForwardRequestData.CancelTcpIpForward:
                return await CancelAsync(TcpIpForwardRequestData.Read(data.Span)).ConfigureAwait(false);
            default:
                return GlobalRequestReply.Failure;
        }
    }

    private GlobalRequestReply Listen(SshConnection connection, TcpIpForwardRequestData request)
    {
        if (request.Port > ushort.MaxValue) return GlobalRequestReply.Failure;
        ushort port = (ushort)request.Port;
        if (!_permissions.IsListenAllowed(request.BindAddress, port)) return GlobalRequestReply.Failure;
        var addresses = BindAddresses(request.BindAddress, _options.GatewayPorts);
        if (addresses is null) return GlobalRequestReply.Failure;
        RemoteForwardListener listener;
        try
        {
            listener = RemoteForwardListener.Bind(addresses, port);
        }
        catch (System.Net.Sockets.SocketException)
        {
            // In use, or privileged: the client hears FAILURE, as from sshd.
            return GlobalRequestReply.Failure;
        }
        lock (_listeners)
        {
            if (_listeners.ContainsKey((request.BindAddress, listener.Port)))
            {
                _ = listener.DisposeAsync().AsTask();
                return GlobalRequestReply.Failure;
            }
            _listeners[(request.BindAddress, listener.Port)] = listener;
        }
        Track(listener.RunAsync(socket => ForwardBackAsync(connection, request.BindAddress, listener.Port, socket), _stop.Token));
        // RFC 4254 §7.1: the chosen port is returned only when port 0 was asked for.
        return port == 0 ? GlobalRequestReply.Ok(TcpIpForwardRequestData.BoundPortReply(listener.Port)) : GlobalRequestReply.Ok();
    }

    private async ValueTask<GlobalRequestReply> CancelAsync(TcpIpForwardRequestData request)
    {
        RemoteForwardListener? listener = null;
        lock (_listeners)
        {
            if (request.Port <= ushort.MaxValue && _listeners.Remove((request.BindAddress, (ushort)request.Port), out var l)) listener = l;
        }
        if (listener is null) return GlobalRequestReply.Failure;
        await listener.DisposeAsync().ConfigureAwait(false);
        return GlobalRequestReply.Ok();
    }

    /// <summary>
    /// sshd's reading of the bind address (sshd_config GatewayPorts): without gateway ports, loopback only; with them,
    /// "" and "*" mean every address, "localhost" loopback, anything else that literal address. Names other than
    /// localhost are refused rather than resolved.
    /// </summary>
    internal static IPAddress[]? BindAddresses(string requested, bool gatewayPorts)
    {
        IPAddress[] loopback = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        if (!gatewayPorts) return loopback;
        if (requested is "" or "*" or "0.0.0.0" or "::") return [IPAddress.IPv6Any];
        if (requested.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return loopback;
        return IPAddress.TryParse(PermitOpen.StripBrackets(requested), out var a) ? [a] : null;
    }

    private async Task ForwardBackAsync(SshConnection connection, string boundAddress, ushort boundPort, SocketConnection socket)
    {
        await using (socket.ConfigureAwait(false))
        {
            var origin = socket.RemoteEndPoint as IPEndPoint;
            SshChannel channel;
            try
            {
                channel = await connection.OpenForwardedTcpIpAsync(boundAddress, boundPort,
                    origin?.Address.ToString() ?? "0.0.0.0", (ushort)(origin?.Port ?? 0), _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ChannelOpenException || IsSessionGone(e))
            {
                socket.Abort();
                return;
            }
            await using (channel.ConfigureAwait(false))
                await Relay.RunAsync(socket, channel, _options.Relay, _stop.Token).ConfigureAwait(false);
        }
    }

    private void Track(Task task)
    {
        lock (_work)
        {
            _work.RemoveAll(static t => t.IsCompleted);
            _work.Add(task);
        }
    }

    private static bool IsSessionGone(Exception e) =>
        e is Transport.SshDisconnectedException or ObjectDisposedException or InvalidOperationException or IOException or OperationCanceledException;

    /// <summary>Stops every listener and relay of this session.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        List<RemoteForwardListener> listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners.Values];
            _listeners.Clear();
        }
        foreach (var l in listeners) await l.DisposeAsync().ConfigureAwait(false);
        Task[] work;
        lock (_work) work = [.. _work];
        try
        {
            await Task.WhenAll(work).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException || IsSessionGone(e))
        {
            // Ending with the session is the normal way out.
        }
        _stop.Dispose();
    }
}
