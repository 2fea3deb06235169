using System.IO.Pipelines;
using System.Net;
using Alknet.Cli.Hosting;
using Alknet.Engine.Dialing;
using Alknet.Engine.Frontend;
using Alknet.Engine.Relay;
using Alknet.Engine.Socks5;
using Alknet.Ssh;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Transport;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Tunnel;

/// <summary>A local forward (-L): listen here, connect to the target through the tunnel.</summary>
internal sealed record LocalForwardRequest(IPEndPoint Listen, DialTarget Target);

/// <summary>Everything a tunnel needs, already parsed and validated (by <c>alknet connect</c> or <c>alknet demo</c>).</summary>
internal sealed class TunnelPlan
{
    /// <summary>One attempt: open the byte stream to the server (directly or via an upstream proxy) and authenticate.</summary>
    public required Func<CancellationToken, Task<TunnelSession>> Connect { get; init; }

    /// <summary>For messages: the server as the user named it, and the user name.</summary>
    public required string ServerName { get; init; }

    public required string User { get; init; }

    /// <summary>Why the host key was refused, in OpenSSH's words, when it was.</summary>
    public Func<string?> DescribeHostKeyRefusal { get; init; } = () => null;

    public required IPEndPoint Socks5Listen { get; init; }

    public Socks5Credentials? Socks5Credentials { get; init; }

    public IReadOnlyList<LocalForwardRequest> LocalForwards { get; init; } = [];

    public IReadOnlyList<RemoteForwardRequest> RemoteForwards { get; init; } = [];

    public SshConnectionOptions Connection { get; init; } = new() { KeepaliveInterval = TimeSpan.FromSeconds(15) };

    public ReconnectBackoff Backoff { get; init; } = new();

    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The client side of the product: a SOCKS5 port and the local forwards in front, one supervised SSH session behind.
/// Each SOCKS5 connection and each forwarded connection becomes one direct-tcpip channel; names travel unresolved.
/// </summary>
internal static class TunnelHost
{
    /// <summary>Runs until <paramref name="stop"/>. Returns the exit code: 0 after a clean stop, 1 on a permanent failure, 2 when a port cannot be bound.</summary>
    public static async Task<int> RunAsync(TunnelPlan plan, ILogger logger, CancellationToken stop, Action<IPEndPoint>? ready = null)
    {
        var supervisor = new SessionSupervisor(plan.Connect, plan.RemoteForwards, plan.Connection, plan.Backoff, logger);
        var tunnel = new SshTunnelDialer(() => supervisor.Current);

        Socks5ProxyServer socks;
        var forwards = new List<LocalForwardServer>();
        try
        {
            socks = Socks5ProxyServer.Bind(plan.Socks5Listen, tunnel, new Socks5ProxyOptions
            {
                Handshake = new Socks5ServerOptions { Credentials = plan.Socks5Credentials },
                Relay = RelayOptions.Default,
                DrainTimeout = plan.DrainTimeout,
            }, logger);
            foreach (var f in plan.LocalForwards) forwards.Add(LocalForwardServer.Bind(f.Listen, f.Target, tunnel, logger));
        }
        catch (System.Net.Sockets.SocketException e)
        {
            foreach (var f in forwards) await f.DisposeAsync().ConfigureAwait(false);
            return Cli.Fail($"cannot listen: {e.Message}");
        }

        await using (socks.ConfigureAwait(false))
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var front = socks.RunAsync(linked.Token);
            var forwardLoops = forwards.Select(f => f.RunAsync(linked.Token)).ToArray();
            foreach (var f in forwards)
                if (logger.IsEnabled(LogLevel.Information)) logger.LogInformation("local forward listening on {Endpoint}", f.LocalEndPoint);
            ready?.Invoke(socks.LocalEndPoint);
            int exit = 0;
            try
            {
                await supervisor.RunAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"alknet connect: {Explain(e, plan)}");
                exit = 1;
            }
            await linked.CancelAsync().ConfigureAwait(false);
            await front.ConfigureAwait(false);
            await Task.WhenAll(forwardLoops).ConfigureAwait(false);
            foreach (var f in forwards) await f.DisposeAsync().ConfigureAwait(false);
            return exit;
        }
    }

    private static string Explain(Exception e, TunnelPlan plan)
    {
        var reason = e switch
        {
            SshProtocolException p => p.Reason,
            SshDisconnectedException d => d.Reason,
            _ => (SshDisconnectReason)0,
        };
        return reason switch
        {
            SshDisconnectReason.HostKeyNotVerifiable => plan.DescribeHostKeyRefusal() ?? $"host key verification failed for {plan.ServerName}: {e.Message}",
            SshDisconnectReason.NoMoreAuthMethodsAvailable => $"the server {plan.ServerName} refused every identity for user {plan.User}: {e.Message}",
            _ => SessionSupervisor.Describe(e),
        };
    }
}
