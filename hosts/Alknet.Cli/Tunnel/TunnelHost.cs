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
    public required SshClientOptions Client { get; init; }

    /// <summary>Opens the byte stream the SSH session runs on: TCP to the server, directly or via an upstream proxy.</summary>
    public required Func<CancellationToken, Task<IDuplexPipe>> OpenTransport { get; init; }

    public required IPEndPoint Socks5Listen { get; init; }

    public Socks5Credentials? Socks5Credentials { get; init; }

    public IReadOnlyList<LocalForwardRequest> LocalForwards { get; init; } = [];

    public IReadOnlyList<RemoteForwardRequest> RemoteForwards { get; init; } = [];

    public SshConnectionOptions Connection { get; init; } = new() { KeepaliveInterval = TimeSpan.FromSeconds(15) };

    public IBackoff Backoff { get; init; } = new ExponentialBackoff();

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
        var supervisor = new SessionSupervisor(
            async ct =>
            {
                var pipe = await plan.OpenTransport(ct).ConfigureAwait(false);
                return await SshClient.ConnectAsync(pipe, plan.Client, ct).ConfigureAwait(false);
            },
            plan.RemoteForwards, plan.Connection, plan.Backoff, logger);
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
                Console.Error.WriteLine($"alknet connect: {Explain(e, plan.Client)}");
                exit = 1;
            }
            await linked.CancelAsync().ConfigureAwait(false);
            await front.ConfigureAwait(false);
            await Task.WhenAll(forwardLoops).ConfigureAwait(false);
            foreach (var f in forwards) await f.DisposeAsync().ConfigureAwait(false);
            return exit;
        }
    }

    private static string Explain(Exception e, SshClientOptions client)
    {
        var reason = e switch
        {
            SshProtocolException p => p.Reason,
            SshDisconnectedException d => d.Reason,
            _ => (SshDisconnectReason)0,
        };
        return reason switch
        {
            SshDisconnectReason.HostKeyNotVerifiable => $"host key verification failed for {client.Host}: {e.Message}",
            SshDisconnectReason.NoMoreAuthMethodsAvailable => $"the server refused every identity for user {client.User}: {e.Message}",
            _ => SessionSupervisor.Describe(e),
        };
    }
}

/// <summary>1 s doubling to 30 s, with up to 20 % jitter so that many clients of one restarted server do not return in lockstep.</summary>
internal sealed class ExponentialBackoff(Func<double>? random = null) : IBackoff
{
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;
    private int _attempt;

    public TimeSpan Next()
    {
        double seconds = Math.Min(30, Math.Pow(2, Math.Min(_attempt, 5)));
        _attempt++;
        return TimeSpan.FromSeconds(seconds * (1 - 0.2 * _random()));
    }

    public void Reset() => _attempt = 0;
}
