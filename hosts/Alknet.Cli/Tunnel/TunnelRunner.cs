using System.Net;
using Alknet.Cli.Hosting;
using Alknet.Ssh;
using Alknet.Ssh.Connection;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Tunnel;

/// <summary>
/// Turns <c>alknet connect</c>'s settings into a running tunnel: the identity is loaded once; every attempt connects
/// (directly or through the upstream proxy), checks the host key against known_hosts (accept-new when asked) and
/// authenticates; <see cref="TunnelHost"/> does the rest.
/// </summary>
internal static class TunnelRunner
{
    public static async Task<int> RunAsync(TunnelSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        if (!IdentityLoader.TryLoad(settings.IdentityPath, out var identity, out var error)) return Cli.Fail(error);
        var verifier = settings.CreateHostKeyVerifier();
        var connector = settings.CreateServerConnector();

        var plan = new TunnelPlan
        {
            Connect = async ct =>
            {
                var transport = await connector.ConnectAsync(settings.ServerHost, settings.ServerPort, ct).ConfigureAwait(false);
                try
                {
                    var options = await settings.CreateClientOptionsAsync(identity, verifier, ct).ConfigureAwait(false);
                    var session = await SshClient.ConnectAsync(transport, options, ct).ConfigureAwait(false);
                    return new TunnelSession(session, transport);
                }
                catch
                {
                    await transport.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            ServerName = settings.ServerPort == 22 ? settings.ServerHost : $"{settings.ServerHost}:{settings.ServerPort}",
            User = settings.User,
            DescribeHostKeyRefusal = () => verifier.LastRefusal?.Describe(),
            Socks5Listen = settings.Socks5Listen,
            Socks5Credentials = settings.Socks5Credentials,
            LocalForwards = [.. settings.LocalForwards.Select(f => new LocalForwardRequest(f.ListenEndPoint, f.Target))],
            RemoteForwards = [.. settings.RemoteForwards.Select(f => new RemoteForwardRequest(f.RequestedBindAddress, f.BindPort, f.Target))],
            Connection = new SshConnectionOptions
            {
                AlknetPeerWindowSize = MeasurementKnobs.PeerWindow(new SshConnectionOptions().AlknetPeerWindowSize),
                KeepaliveInterval = settings.KeepaliveInterval == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : settings.KeepaliveInterval,
                KeepaliveCountMax = settings.KeepaliveCountMax,
            },
        };
        return await TunnelHost.RunAsync(plan, logger, cancellationToken, ready: ep => Announce(ep, settings)).ConfigureAwait(false);
    }

    private static void Announce(IPEndPoint socks, TunnelSettings settings)
    {
        var auth = settings.Socks5Credentials is null ? "" : " --proxy-user USER:PASS";
        var shown = socks.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{socks.Address}]:{socks.Port}" : socks.ToString();
        Console.Out.WriteLine($"alknet connect: SOCKS5 on {shown}, tunnelled through {settings.User}@{settings.ServerHost}:{settings.ServerPort}. Try:");
        Console.Out.WriteLine($"  curl{auth} --socks5-hostname {shown} https://example.org/");
        Console.Out.Flush();
    }
}
