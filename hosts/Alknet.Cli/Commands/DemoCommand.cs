using System.CommandLine;
using System.Net;
using Alknet.Cli.Hosting;
using Alknet.Cli.Tunnel;
using Alknet.Engine.Dialing;
using Alknet.Ssh;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Transport;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Commands;

/// <summary>
/// <c>alknet demo</c>: the whole product on one machine with nothing to configure. It starts <c>alknet serve</c> on a
/// free loopback port with a fresh host key, and <c>alknet connect</c> to it with a fresh client key, exposing
/// SOCKS5 on 127.0.0.1:1080. Keys live in memory only and vanish on exit.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(Option<LogLevel> logLevel)
    {
        var socks5 = CliOptions.String("--socks5", "Where the tunnel's SOCKS5 port listens", "ALKNET_SOCKS5_LISTEN", "127.0.0.1:1080");
        socks5.HelpName = "ADDR:PORT";
        var command = new Command("demo", "Run alknet serve and alknet connect together on loopback (generated keys, SOCKS5 on 127.0.0.1:1080), and print the curl line to try")
        {
            socks5,
        };
        command.SetAction(async (parse, _) =>
        {
            if (!EndpointParser.TryParseListen(parse.GetValue(socks5)!, out var socksEndpoint, out var error)) return Cli.Fail($"--socks5: {error}");
            if (!IPAddress.IsLoopback(socksEndpoint.Address)) return Cli.Fail("--socks5: the demo listens on loopback only (it has no SOCKS5 authentication)");

            using var loggers = CliLogging.Create(parse.GetValue(logLevel));
            var serveLog = loggers.CreateLogger("alknet.serve");
            var connectLog = loggers.CreateLogger("alknet.connect");
            using var hostKey = SshPrivateKey.Generate("ed25519");
            using var userKey = SshPrivateKey.Generate("ed25519");
            string user = Environment.UserName;
            var authorized = AuthorizedKeysFile.Parse(userKey.PublicKey.ToOpenSshLine("alknet-demo"));
            var serverOptions = new SshServerOptions
            {
                HostKeys = [hostKey],
                Authorizer = new PublicKeyUserAuthorizer(new PublicKeyAuthorizer(authorized, [])),
                Logger = serveLog,
            };
            using var shutdown = new ShutdownSignal();
            using var trimmer = IdleMemoryTrimmer.Start(serveLog);
            await using var server = SshServerHost.Bind(new IPEndPoint(IPAddress.Loopback, 0), serverOptions,
                new ServeSettings(new DirectDialer(), MaxChannelsPerSession: 256, MaxConnectionsPerIp: 0), serveLog);
            var serverRun = server.RunAsync(TimeSpan.FromSeconds(2), shutdown.Token);

            var serverEndpoint = server.LocalEndPoint;
            var clientOptions = new SshClientOptions
            {
                Host = serverEndpoint.Address.ToString(),
                Port = serverEndpoint.Port,
                User = user,
                Identities = [new SshClientIdentity(userKey)],
                HostKeyVerifier = new PinnedHostKeyVerifier(hostKey.PublicKey),
                Logger = connectLog,
            };
            var plan = new TunnelPlan
            {
                Connect = async ct =>
                {
                    var transport = await new DirectDialer().DialAsync(DialTarget.FromAddress(serverEndpoint.Address, (ushort)serverEndpoint.Port), ct).ConfigureAwait(false);
                    try
                    {
                        return new TunnelSession(await SshClient.ConnectAsync(transport, clientOptions, ct).ConfigureAwait(false), transport);
                    }
                    catch
                    {
                        await transport.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                },
                ServerName = serverEndpoint.ToString(),
                User = user,
                Socks5Listen = socksEndpoint,
            };
            int exit = await TunnelHost.RunAsync(plan, connectLog, shutdown.Token, ready: ep =>
            {
                Console.Out.WriteLine($"alknet demo: serve on {serverEndpoint} (host key {hostKey.PublicKey.Fingerprint}), connect with SOCKS5 on {ep}.");
                Console.Out.WriteLine("Try, in another terminal:");
                Console.Out.WriteLine($"  curl --socks5-hostname {ep} https://example.org/");
                Console.Out.WriteLine("Stop with Ctrl-C.");
                Console.Out.Flush();
            }).ConfigureAwait(false);
            await serverRun.ConfigureAwait(false);
            return exit;
        });
        return command;
    }
}
