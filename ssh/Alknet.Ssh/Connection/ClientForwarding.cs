using Alknet.Engine.Dialing;
using Alknet.Engine.Relay;
using Alknet.Engine.Transport;
using Alknet.Ssh.Messages;

namespace Alknet.Ssh.Connection;

/// <summary>One remote forward as the server confirmed it: the bind address as requested, the real port, and where to connect locally.</summary>
public sealed record RemoteForwardBinding(string BindAddress, ushort BoundPort, DialTarget LocalTarget);

/// <summary>
/// The client's side of remote forwards (ssh -R): a "forwarded-tcpip" channel from the server is matched to the
/// forward it belongs to by bind address and port (as OpenSSH matches them) and relayed to that forward's local
/// target. Anything else the server tries to open is refused.
/// </summary>
public sealed class ClientForwarding(IDialer localDialer, RelayOptions relay) : ISshConnectionHandler
{
    private readonly List<RemoteForwardBinding> _bindings = [];

    public void Add(RemoteForwardBinding binding)
    {
        lock (_bindings) _bindings.Add(binding);
    }

    public void OnChannelOpen(SshChannelOpenRequest request)
    {
        RemoteForwardBinding? binding = null;
        if (request.ChannelType == TcpIpChannelData.ForwardedTcpIp)
        {
            var e = request.Endpoints;
            lock (_bindings)
                binding = _bindings.Find(b => b.BoundPort == e.Port && string.Equals(b.BindAddress, e.Host, StringComparison.OrdinalIgnoreCase));
        }
        if (binding is null)
        {
            _ = request.RejectAsync(ChannelOpenFailureReason.AdministrativelyProhibited, "no such forward here").AsTask();
            return;
        }
        _ = Task.Run(() => ConnectLocalAsync(request, binding.LocalTarget));
    }

    private async Task ConnectLocalAsync(SshChannelOpenRequest request, DialTarget target)
    {
        IConnection local;
        try
        {
            local = await localDialer.DialAsync(target, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DialException e)
        {
            var (reason, description) = ChannelOpenFailureMapping.FromDial(e.Reply);
            try { await request.RejectAsync(reason, description).ConfigureAwait(false); }
            catch (Exception x) when (IsSessionGone(x)) { /* session gone */ }
            return;
        }
        await using (local.ConfigureAwait(false))
        {
            SshChannel channel;
            try
            {
                channel = await request.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (IsSessionGone(e))
            {
                return;
            }
            await using (channel.ConfigureAwait(false))
                await Relay.RunAsync(channel, local, relay, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public ValueTask<GlobalRequestReply> OnGlobalRequestAsync(SshConnection connection, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        new(GlobalRequestReply.Failure);

    private static bool IsSessionGone(Exception e) =>
        e is Transport.SshDisconnectedException or ObjectDisposedException or InvalidOperationException or IOException or OperationCanceledException;
}
