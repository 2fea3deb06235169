using System.CommandLine;
using System.Net;
using Alknet.Cli.Hosting;
using Alknet.Engine.Frontend;
using Alknet.Engine.Relay;
using Alknet.Engine.Socks5;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Commands;

/// <summary><c>alknet socks</c>: the standalone SOCKS5 proxy.</summary>
internal static class SocksCommand
{
    public static Command Create(Option<LogLevel> logLevel)
    {
        var listen = CliOptions.String("--listen", "Address and port to listen on; IPv6 as [::1]:1080", "ALKNET_SOCKS5_LISTEN", "127.0.0.1:1080");
        listen.HelpName = "ADDR:PORT";
        var user = CliOptions.String("--user", "Require RFC 1929 username/password authentication with this user name", "ALKNET_SOCKS5_USER");
        user.HelpName = "U";
        var pass = CliOptions.Secret("--pass", "The password for --user (prefer the environment: command lines are visible in ps)", "ALKNET_SOCKS5_PASS");
        pass.HelpName = "P";
        var outbound = new OutboundFlags("outbound connection");
        var idleTimeout = CliOptions.Seconds("--idle-timeout", "Close a relayed connection after this long without a byte in either direction; 0 = never", 0);
        var handshakeTimeout = CliOptions.Seconds("--handshake-timeout", "Drop a client that has not finished the SOCKS5 handshake in this time", 10);
        var drainTimeout = CliOptions.Seconds("--drain-timeout", "On SIGINT/SIGTERM, how long open connections may finish before they are closed", 5);
        var maxConnections = CliOptions.Count("--max-connections", "Refuse connections beyond this many open ones; 0 = unlimited", 0);
        var allowOpen = new Option<bool>("--allow-open")
        {
            Description = "Allow listening on a non-loopback address without --user/--pass (an open proxy)",
        };

        var command = new Command("socks", "Run a standalone SOCKS5 proxy (RFC 1928, SOCKS5h: names are resolved here, never by the client)")
        {
            listen, user, pass, idleTimeout, handshakeTimeout, drainTimeout, maxConnections, allowOpen,
        };
        outbound.AddTo(command);
        command.SetAction(async (parse, _) =>
        {
            if (!EndpointParser.TryParseListen(parse.GetValue(listen)!, out var endpoint, out var error))
                return Cli.Fail($"--listen: {error}");
            if (!Socks5ListenGuard.TryBuildCredentials(parse.GetValue(user), CliOptions.SecretValue(parse, pass, "ALKNET_SOCKS5_PASS"), "--user", "--pass", out var credentials, out error))
                return Cli.Fail(error);
            if (!Socks5ListenGuard.TryAllowListen(endpoint, credentials, parse.GetValue(allowOpen), "--user", "--pass", out error))
                return Cli.Fail(error);
            if (!outbound.TryBuild(parse, out var dialer, out var upstream, out error)) return Cli.Fail(error);

            var options = new Socks5ProxyOptions
            {
                Handshake = new Socks5ServerOptions
                {
                    Credentials = credentials,
                    HandshakeTimeout = CliOptions.ToTimeSpan(parse.GetValue(handshakeTimeout)),
                },
                Relay = new RelayOptions { IdleTimeout = CliOptions.ToTimeSpan(parse.GetValue(idleTimeout)) },
                MaxConnections = parse.GetValue(maxConnections),
                DrainTimeout = TimeSpan.FromSeconds(parse.GetValue(drainTimeout)),
            };

            using var loggers = CliLogging.Create(parse.GetValue(logLevel));
            var logger = loggers.CreateLogger("alknet.socks");
            using var shutdown = new ShutdownSignal();
            using var trimmer = IdleMemoryTrimmer.Start(logger);
            Socks5ProxyServer server;
            try
            {
                server = Socks5ProxyServer.Bind(endpoint, dialer, options, logger);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                return Cli.Fail($"cannot listen on {endpoint}: {e.Message}");
            }
            await using (server)
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("SOCKS5 proxy ready on {Endpoint} ({Auth}, outbound {Via})", server.LocalEndPoint,
                        credentials is null ? "no auth" : "username/password", upstream is null ? "direct" : $"via {upstream}");
                }
                var auth = credentials is null ? "" : " --proxy-user USER:PASS";
                Console.Out.WriteLine($"alknet socks: listening on {server.LocalEndPoint}. Try:");
                Console.Out.WriteLine($"  curl{auth} --socks5-hostname {FormatForCurl(server.LocalEndPoint)} https://example.org/");
                Console.Out.Flush();
                SystemdNotify.Ready($"SOCKS5 on {server.LocalEndPoint}");
                await server.RunAsync(shutdown.Token).ConfigureAwait(false);
                SystemdNotify.Stopping();
            }
            return 0;
        });
        return command;
    }

    private static string FormatForCurl(IPEndPoint ep) =>
        ep.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ep.Address}]:{ep.Port}" : ep.ToString();
}
