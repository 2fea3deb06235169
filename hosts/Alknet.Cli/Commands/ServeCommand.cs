using System.CommandLine;
using Alknet.Cli.Hosting;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Keys;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Commands;

/// <summary><c>alknet serve</c>: the SSH server. Options here; the accept loop lives in <see cref="SshServerHost"/>.</summary>
internal static class ServeCommand
{
    public static Command Create(Option<LogLevel> logLevel)
    {
        var listen = CliOptions.String("--listen", "Address and port to listen on", "ALKNET_SERVE_LISTEN", "0.0.0.0:22");
        listen.HelpName = "ADDR:PORT";
        var hostKey = new Option<string[]>("--host-key")
        {
            Description = "Host private key file (repeatable, one per key type). A missing file is generated as ed25519 and its fingerprint logged",
            HelpName = "FILE",
            AllowMultipleArgumentsPerToken = false,
        };
        var authorizedKeys = CliOptions.String("--authorized-keys", "authorized_keys file: the user keys (and cert-authority lines) allowed to log in", "ALKNET_AUTHORIZED_KEYS");
        authorizedKeys.HelpName = "FILE";
        var certAuthority = CliOptions.String("--cert-authority", "File of CA public keys whose user certificates are accepted (principal = user name)", "ALKNET_CERT_AUTHORITY");
        certAuthority.HelpName = "FILE";
        var maxAuth = CliOptions.Count("--max-auth-attempts", "Authentication attempts per connection before disconnecting", 6, 1);
        var grace = CliOptions.Seconds("--login-grace-time", "Disconnect a client that has not authenticated within this time", 120);
        var drain = CliOptions.Seconds("--drain-timeout", "On SIGINT/SIGTERM, how long sessions may finish after DISCONNECT is sent", 2);
        var perIp = CliOptions.Count("--max-connections-per-ip",
            "Open connections one client address may hold, authenticated or not; one more is reset before the SSH handshake and logged. 0 = unlimited", 10);
        var channels = CliOptions.Count("--max-channels-per-session", "Open channels (tunnelled connections) one session may hold; 0 = unlimited", 64);
        var outbound = new OutboundFlags("tunnelled connection");
        var gatewayPorts = new Option<bool>("--gateway-ports") { Description = "Let remote forwards (-R) listen on the address the client asks for; by default they listen on loopback only, like sshd's GatewayPorts no" };
        var keepalive = CliOptions.Seconds("--keepalive-interval", "Send a keepalive after this many idle seconds; 3 unanswered close the session (0 = off)", 30);
        var algorithms = new SshAlgorithmFlags();

        var command = new Command("serve", "Run the SSH server that terminates Alknet tunnels (OpenSSH clients work too)")
        {
            listen, hostKey, authorizedKeys, certAuthority, maxAuth, grace, drain, perIp, channels, gatewayPorts, keepalive,
        };
        outbound.AddTo(command);
        algorithms.AddTo(command);
        command.SetAction(async (parse, _) =>
        {
            if (!EndpointParser.TryParseListen(parse.GetValue(listen)!, out var endpoint, out var error)) return Cli.Fail($"--listen: {error}");
            var hostKeyPaths = parse.GetValue(hostKey) ?? [];
            if (hostKeyPaths.Length == 0) return Cli.Fail("--host-key FILE is required (a missing file is generated)");
            string? akPath = parse.GetValue(authorizedKeys), caPath = parse.GetValue(certAuthority);
            if (akPath is null && caPath is null) return Cli.Fail("give --authorized-keys FILE and/or --cert-authority FILE: nobody could log in");
            if (!algorithms.TryBuild(parse, out var algorithmOptions, out error)) return Cli.Fail(error);
            if (!outbound.TryBuild(parse, out var dialer, out var upstream, out error)) return Cli.Fail(error);
            var settings = new ServeSettings(dialer, parse.GetValue(channels), parse.GetValue(perIp))
            {
                GatewayPorts = parse.GetValue(gatewayPorts),
                KeepaliveInterval = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(keepalive))),
            };

            AuthorizedKeysFile authorized;
            IReadOnlyList<SshPublicKey> cas = [];
            try
            {
                authorized = akPath is null ? AuthorizedKeysFile.Parse("") : AuthorizedKeysFile.Load(akPath);
                if (caPath is not null) cas = PublicKeyAuthorizer.ParseCaKeys(File.ReadAllText(caPath));
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                return Cli.Fail(e.Message);
            }

            using var loggers = CliLogging.Create(parse.GetValue(logLevel));
            var logger = loggers.CreateLogger("alknet.serve");
            foreach (var w in authorized.Warnings) logger.LogWarning("authorized_keys: {Warning}", w);
            if (!HostKeyLoader.TryLoad(hostKeyPaths, logger, out var keys, out error)) return Cli.Fail(error);
            ServeLog.Settings(logger, upstream is null ? "direct" : $"via {upstream}", settings.MaxChannelsPerSession, settings.MaxConnectionsPerIp);

            var options = new Alknet.Ssh.SshServerOptions
            {
                HostKeys = keys,
                Authorizer = new PublicKeyUserAuthorizer(new PublicKeyAuthorizer(authorized, cas)),
                MaxAuthTries = parse.GetValue(maxAuth),
                LoginGraceTime = CliOptions.ToTimeSpan(parse.GetValue(grace)),
                Algorithms = algorithmOptions,
                Logger = logger,
            };
            using var shutdown = new ShutdownSignal();
            using var trimmer = IdleMemoryTrimmer.Start(logger);
            SshServerHost host;
            try
            {
                host = SshServerHost.Bind(endpoint, options, settings, logger);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                return Cli.Fail($"cannot listen on {endpoint}: {e.Message}");
            }
            await using (host)
            {
                // Only now, with the socket bound and listening, may systemd start what depends on this service.
                SystemdNotify.Ready($"SSH on {host.LocalEndPoint}");
                // STOPPING=1 as soon as the signal arrives, not after the drain: systemd then shows "deactivating"
                // while sessions finish, instead of an active service that no longer accepts.
                using var stopping = shutdown.Token.Register(static () => SystemdNotify.Stopping());
                await host.RunAsync(TimeSpan.FromSeconds(parse.GetValue(drain)), shutdown.Token).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }
}
